"""Moving an old qdrant local-mode memory folder to Qdrant Edge, with nothing lost.

Points are copied as they are (ids, vectors, payloads: no re-embedding), then both sides are
compared collection by collection (point ids, and each lesson's id, version and status) before the
old folder is set aside. `alhf memory migrate` calls `migrate_in_place(<data dir>/qdrant)`.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from memory.backend import VectorBackend, is_local_mode_folder
from memory.errors import AlhfError, StoreFormatError
from memory.store import LESSON_INDEXED_FIELDS

__all__ = ["MigrationReport", "migrate_local_folder", "migrate_in_place", "lesson_fingerprint"]


@dataclass
class MigrationReport:
    """What was copied, per collection, and where the old folder went."""

    source: Path
    target: Path
    points: dict[str, int] = field(default_factory=dict)
    lessons: dict[str, int] = field(default_factory=dict)
    backup: Path | None = None

    @property
    def total_lessons(self) -> int:
        return sum(self.lessons.values())

    def summary(self) -> str:
        parts = ", ".join(f"{name}: {self.lessons.get(name, 0)} lessons / {n} points" for name, n in sorted(self.points.items()))
        where = f"; the old folder is kept at {self.backup}" if self.backup else ""
        return f"Moved {self.total_lessons} lessons to Qdrant Edge in {self.target} ({parts}){where}."


def lesson_fingerprint(backend: VectorBackend, collection: str) -> tuple[Counter, Counter]:
    """(point ids, (lesson id, version, status) per point) of a collection, for comparing two copies."""
    ids: Counter = Counter()
    lessons: Counter = Counter()
    for point in backend.scroll(collection):
        ids[point.id] += 1
        lesson = point.payload.get("lesson")
        if isinstance(lesson, dict):
            lessons[(lesson.get("id"), lesson.get("version"), lesson.get("status"))] += 1
    return ids, lessons


def migrate_local_folder(source: Path, target: Path, *, batch: int = 512) -> MigrationReport:
    """Copy every collection of the local-mode folder `source` into a new Edge folder `target`."""
    from memory.qdrant_edge import EdgeBackend
    from memory.qdrant_local import QdrantClientBackend

    source, target = Path(source), Path(target)
    if not is_local_mode_folder(source):
        raise StoreFormatError(f"{source} is not a qdrant local-mode memory folder: nothing to migrate.")
    if target.exists() and any(target.iterdir()):
        raise AlhfError(f"{target} is not empty: remove it or choose another target folder.")
    report = MigrationReport(source, target)
    old = QdrantClientBackend.open(source)
    try:
        new = EdgeBackend.open(target)
        try:
            for name in old.collections():
                dim = old.collection_dim(name)
                assert dim is not None
                new.create_collection(name, dim, LESSON_INDEXED_FIELDS if "_lessons_" in name else ())
                chunk = []
                for point in old.scroll(name, with_vectors=True):
                    chunk.append(point)
                    if len(chunk) >= batch:
                        new.upsert(name, chunk)
                        chunk = []
                if chunk:
                    new.upsert(name, chunk)
                before, after = lesson_fingerprint(old, name), lesson_fingerprint(new, name)
                if before != after:
                    raise AlhfError(
                        f"Migration check failed for {name}: {sum(before[0].values())} points before, "
                        f"{sum(after[0].values())} after; the old folder {source} is untouched."
                    )
                report.points[name] = sum(after[0].values())
                report.lessons[name] = len({key[0] for key in after[1]})
            new.optimize()
        finally:
            new.close()
    finally:
        old.close()
    return report


def migrate_in_place(folder: Path) -> MigrationReport:
    """Migrate `folder` (e.g. <data dir>/qdrant) to Edge at the same path; the old one is renamed, not deleted."""
    folder = Path(folder)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    staging = folder.with_name(f"{folder.name}.edge-staging")
    backup = folder.with_name(f"{folder.name}.local-mode-{stamp}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        report = migrate_local_folder(folder, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    folder.rename(backup)
    staging.rename(folder)
    report.target, report.backup = folder, backup
    return report
