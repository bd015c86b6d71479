"""No silent loss: damaged files are refused with one line and a way out; backups restore them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.helpers import cli, said, write_tasks


def _with_one_batch(fake_cli: dict) -> None:
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 2)
    assert cli("batch", "run", str(tasks), config=fake_cli["config"]).exit_code == 0


def test_a_truncated_database_is_refused_and_restored_from_backup(fake_cli):
    _with_one_batch(fake_cli)
    made = cli("backup", config=fake_cli["config"])
    assert made.exit_code == 0 and "backup written to" in said(made)
    db = fake_cli["home"] / "alhf.db"
    db.write_bytes(b"")  # truncated to 0 bytes
    for wal in ("alhf.db-wal", "alhf.db-shm"):
        (fake_cli["home"] / wal).unlink(missing_ok=True)
    refused = cli("review", "list", "--json", config=fake_cli["config"])
    assert refused.exit_code == 2 and "is empty (0 bytes" in said(refused) and "alhf restore" in said(refused)
    assert db.stat().st_size == 0  # never replaced by an empty database
    restored = cli("restore", config=fake_cli["config"])
    assert restored.exit_code == 0, restored.output
    listed = cli("review", "list", "--json", config=fake_cli["config"])
    assert listed.exit_code == 0 and listed.output.count('"run_id"') == 2


def test_a_garbled_database_and_a_damaged_collection_give_one_line(fake_cli):
    _with_one_batch(fake_cli)
    db = fake_cli["home"] / "alhf.db"
    db.write_bytes(b"not a database at all" * 100)
    result = cli("trace", "list", config=fake_cli["config"])
    assert result.exit_code == 2 and "not an SQLite database" in said(result) and "Traceback" not in result.output
    db.unlink()
    segment = sorted((fake_cli["home"] / "qdrant").rglob("segment.json"))[0]  # Qdrant Edge, the default store
    segment.write_bytes(segment.read_bytes()[:7])  # truncated
    damaged = cli("memory", "list", config=fake_cli["config"])
    assert damaged.exit_code == 2 and "lesson store file" in said(damaged) and "Traceback" not in damaged.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only folder")
def test_a_read_only_data_directory_gives_one_line(fake_cli):
    home = fake_cli["home"]
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = cli("memory", "list", config=fake_cli["config"])
    finally:
        home.chmod(stat.S_IRWXU)
    assert result.exit_code == 2 and "read-only" in said(result)


def test_migrating_an_existing_database_backs_it_up_first(tmp_path: Path):
    from tests.workflows.storage.test_migrations import _first_schema_with_data
    from workflows.traces.store import TraceStore

    db = tmp_path / "alhf.db"
    _first_schema_with_data(db)
    TraceStore(db).close()
    [backup] = list((tmp_path / "backups").glob("*-before-migration/alhf.db"))
    import sqlite3

    names = [r[0] for r in sqlite3.connect(backup).execute("SELECT name FROM _migrations")]
    assert names == ["m001_initial"]  # the database as it was before the upgrade


def test_a_data_directory_that_cannot_be_made_gives_one_line(fake_cli, monkeypatch):
    monkeypatch.setenv("ALHF_HOME", "/proc/alhf-cannot-exist-here")  # unwritable even for root
    result = cli("memory", "list", config=fake_cli["config"])
    assert result.exit_code == 2 and "Cannot create the data directory" in said(result)
    assert "Traceback" not in result.output
