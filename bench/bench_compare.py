"""Side-by-side: alhf's consult vs Mem0's search vs an AG2-Teachability-style Chroma store vs numpy.

Same machine, same run, same data: N lesson texts per system (bench_data.lesson_texts, MiniLM vectors
embedded once and cached in bench/.cache/lessons.npy) and the same 200 request texts. Each system
holds ONE component's memory of N lessons (one collection / one agent_id); a measured call is one
search of it for one request, top 5:

* alhf      `LessonMemory.consult(component, vector)` on the default store (Qdrant Edge on disk):
            vector search + the relevance gate; `alhf-local` is the same on the old local mode.
* mem0      `Memory.search(text, filters={"agent_id": ...}, top_k=5)`, mem0ai with a local Qdrant
            (qdrant-client local mode on disk), no LLM (search never calls one; lessons go in through
            its vector store with the payload `add(..., infer=False)` writes). spaCy is not installed,
            so its entity and lemma steps are skipped, and fastembed's BM25 model is not on disk
            (HF_HUB_OFFLINE), so its keyword step is skipped too.
* chroma    AG2 Teachability's MemoStore: `chromadb.PersistentClient(path)`, one collection of
            input texts (ids "1", "2", ...; default L2 space), `collection.query(..., n_results=5)`.
* numpy     the floor: an (N, 384) float32 matrix from a .npy, `M @ v` and argpartition.

Query vectors: every system gets the request's MiniLM vector from the same lookup (precomputed), so
the figures compare the stores; the MiniLM embed of a request (reported once) adds the same time
to each. Each (system, size) is built in one process and measured in a fresh one (open time, RSS).
Disk is the allocated size of the store's folder.

With `--rounds N` every system of a size is built first, then measured N times in alternating order
(forward, backward, ...), each time in a fresh process: rows give the medians of the rounds and each
round's figures with the load average.

Usage: /work/venv-bench/bin/python bench/bench_compare.py [--sizes 1000 10000 100000]
           [--systems alhf alhf-local mem0 chroma numpy] [--queries 200] [--rounds 1] [--json PATH]
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MEM0_TELEMETRY", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chroma

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from bench_data import cached_vectors, lesson_texts, query_texts  # noqa: E402
from bench.common import load_average  # noqa: E402

TOP_K = 5
COMPONENT = "writer"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_blocks * 512 for f in folder.rglob("*") if f.is_file()) / 2**20


class LookupEmbedder:
    """Returns the cached MiniLM vector of a known text (lessons and requests); the same for every system."""

    name = "minilm"
    dim = 384

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.index = {text: i for i, text in enumerate(texts)}
        self.vectors = vectors

    def embed(self, texts: list[str]) -> list[np.ndarray]:
        return [self.vectors[self.index[t]] for t in texts]


def data(size: int, queries: int) -> tuple[list[str], list[str], LookupEmbedder]:
    lessons, requests = lesson_texts(size), query_texts(queries)
    vectors = np.concatenate([cached_vectors(lessons, "lessons"), cached_vectors(query_texts(500), "queries")[:queries]])
    return lessons, requests, LookupEmbedder(lessons + requests, vectors)


# -- systems: build(folder, lessons, embedder) and open(folder, embedder) -> search(text) ------------


def alhf_build(backend: str) -> Callable:
    def build(folder: Path, lessons: list[str], embedder: LookupEmbedder) -> None:
        from memory.records import Component, Lesson
        from memory.store import MemoryStore

        store = MemoryStore.open(folder, embedder=embedder, backend=backend)
        if backend == "edge":
            store.backend.optimize_every = 10**9  # a bulk import: index once at the end
        for lo in range(0, len(lessons), 1000):
            store.add_lessons([Lesson(id=f"l{i:07d}", component=Component(COMPONENT), text="Follow this lesson.",
                                      trigger=text, author="bench") for i, text in enumerate(lessons[lo:lo + 1000], lo)])
        store.optimize()
        store.close()
    return build


def alhf_open(backend: str) -> Callable:
    def open_(folder: Path, embedder: LookupEmbedder) -> tuple[Callable, Callable]:
        from memory.consult import LessonMemory
        from memory.gate import GateSettings, RelevanceGate
        from memory.records import Component
        from memory.store import MemoryStore

        store = MemoryStore.open(folder, embedder=embedder, backend=backend)
        memory = LessonMemory(store, RelevanceGate(GateSettings(candidates=TOP_K)))
        component = Component(COMPONENT)

        def search(text: str) -> list[str]:
            return [d.lesson_id for d in memory.consult(component, embedder.embed([text])[0], user="bench").decisions]
        return search, store.close
    return open_


def mem0_memory(folder: Path, embedder: LookupEmbedder):
    os.environ.setdefault("OPENAI_API_KEY", "unused")  # the default LLM client is built but never called
    from mem0 import Memory

    memory = Memory.from_config({
        "vector_store": {"provider": "qdrant", "config": {"collection_name": "bench", "path": str(folder / "qdrant"),
                                                          "embedding_model_dims": 384, "on_disk": True}},
        "history_db_path": str(folder / "history.db"),
    })

    class Mem0Embedder:  # mem0's embedder interface: embed(text, memory_action) -> list[float]
        def embed(self, text: str, memory_action: Any = None) -> list[float]:
            return embedder.embed([text])[0].tolist()

    memory.embedding_model = Mem0Embedder()
    return memory


def mem0_build(folder: Path, lessons: list[str], embedder: LookupEmbedder) -> None:
    import hashlib
    import uuid
    from datetime import datetime, timezone

    memory = mem0_memory(folder, embedder)
    now = datetime.now(timezone.utc).isoformat()
    for lo in range(0, len(lessons), 1000):
        chunk = lessons[lo:lo + 1000]
        payloads = [{"data": t, "hash": hashlib.md5(t.encode()).hexdigest(), "created_at": now, "updated_at": now,
                     "agent_id": COMPONENT, "role": "user", "text_lemmatized": t.lower()} for t in chunk]
        memory.vector_store.insert(vectors=[embedder.embed([t])[0].tolist() for t in chunk], payloads=payloads,
                                   ids=[str(uuid.uuid4()) for _ in chunk])
    memory.vector_store.client.close()


def mem0_open(folder: Path, embedder: LookupEmbedder) -> tuple[Callable, Callable]:
    memory = mem0_memory(folder, embedder)

    def search(text: str) -> list[str]:
        return [r["id"] for r in memory.search(text, filters={"agent_id": COMPONENT}, top_k=TOP_K)["results"]]
    return search, memory.vector_store.client.close


def chroma_build(folder: Path, lessons: list[str], embedder: LookupEmbedder) -> None:
    import chromadb

    client = chromadb.PersistentClient(path=str(folder), settings=chromadb.Settings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("memos", embedding_function=None)
    for lo in range(0, len(lessons), 1000):
        chunk = lessons[lo:lo + 1000]
        collection.add(ids=[str(i + 1) for i in range(lo, lo + len(chunk))], documents=chunk,
                       embeddings=np.stack(embedder.embed(chunk)))


def chroma_open(folder: Path, embedder: LookupEmbedder) -> tuple[Callable, Callable]:
    import chromadb

    client = chromadb.PersistentClient(path=str(folder), settings=chromadb.Settings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("memos", embedding_function=None)

    def search(text: str) -> list[str]:
        result = collection.query(query_embeddings=np.stack(embedder.embed([text])), n_results=TOP_K)
        return result["ids"][0]
    return search, lambda: None


def numpy_build(folder: Path, lessons: list[str], embedder: LookupEmbedder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "vectors.npy", np.stack(embedder.embed(lessons)).astype(np.float32))


def numpy_open(folder: Path, embedder: LookupEmbedder) -> tuple[Callable, Callable]:
    matrix = np.load(folder / "vectors.npy")

    def search(text: str) -> list[int]:
        scores = matrix @ embedder.embed([text])[0]
        top = np.argpartition(-scores, TOP_K)[:TOP_K]
        return top[np.argsort(-scores[top])].tolist()
    return search, lambda: None


SYSTEMS: dict[str, tuple[Callable, Callable]] = {
    "alhf": (alhf_build("edge"), alhf_open("edge")),
    "alhf-local": (alhf_build("qdrant_local"), alhf_open("qdrant_local")),
    "mem0": (mem0_build, mem0_open),
    "chroma": (chroma_build, chroma_open),
    "numpy": (numpy_build, numpy_open),
}


MODULES = {"alhf": ["memory.consult", "memory.qdrant_edge"], "alhf-local": ["memory.consult", "memory.qdrant_local"],
           "mem0": ["mem0"], "chroma": ["chromadb"], "numpy": []}


def measure(system: str, size: int, folder: Path, queries: int) -> dict:
    """In a fresh process: open the built store, time `queries` searches, report RSS and disk.

    The system's modules are imported before the open is timed (import time is not store time)."""
    import importlib

    lessons, requests, embedder = data(size, queries)
    for module in MODULES[system]:
        importlib.import_module(module)
    base_rss = rss_mb()
    t0 = time.perf_counter()
    search, close = SYSTEMS[system][1](folder, embedder)
    open_s = time.perf_counter() - t0
    for text in requests[:10]:
        search(text)
    samples, found = [], 0
    for text in requests:
        t0 = time.perf_counter()
        hits = search(text)
        samples.append((time.perf_counter() - t0) * 1000)
        found += len(hits)
    rss = rss_mb()
    close()
    return {"system": system, "backend": {"alhf": "edge", "alhf-local": "qdrant_local"}.get(system, system),
            "lessons_per_component": size, "n": len(samples), "open_s": round(open_s, 3),
            "search_p50_ms": round(float(np.percentile(samples, 50)), 3),
            "search_p95_ms": round(float(np.percentile(samples, 95)), 3),
            "avg_hits": round(found / len(samples), 2), "rss_mb": round(rss, 1),
            "rss_over_baseline_mb": round(rss - base_rss, 1), "disk_mb": round(disk_mb(folder), 1)}


def child(args: argparse.Namespace) -> int:
    lessons, _, embedder = data(args.size, args.queries)
    if args.phase == "build":
        t0 = time.perf_counter()
        SYSTEMS[args.system][0](Path(args.folder), lessons, embedder)
        print(json.dumps({"build_s": round(time.perf_counter() - t0, 1)}))
    else:
        print(json.dumps(measure(args.system, args.size, Path(args.folder), args.queries)))
    return 0


def run_child(*argv: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *argv], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def embed_cost(queries: int) -> dict:
    """The MiniLM embed of one request, the part every system adds on top of its search."""
    from bench_data import minilm

    embedder, samples = minilm(), []
    for text in query_texts(queries):
        t0 = time.perf_counter()
        embedder.embed([text])
        samples.append((time.perf_counter() - t0) * 1000)
    return {"n": queries, "p50_ms": round(float(np.percentile(samples, 50)), 3),
            "p95_ms": round(float(np.percentile(samples, 95)), 3)}


def compare_size(size: int, systems: list[str], root: Path, queries: int, rounds: int) -> list[dict]:
    """Build every system's store, then measure them `rounds` times, the order alternating each round
    (forward, backward) so that each sees the same machine load; a row's p50 / p95 are the medians of
    its rounds' figures, each round with the load average when it was taken."""
    common = {s: ["--system", s, "--size", str(size), "--folder", str(root / f"{s}-{size}"), "--queries", str(queries)]
              for s in systems}
    built = {s: run_child("--phase", "build", *common[s]) for s in systems}
    measured: dict[str, list[dict]] = {s: [] for s in systems}
    for r in range(rounds):
        for system in systems if r % 2 == 0 else systems[::-1]:
            row = run_child("--phase", "measure", *common[system]) | {"load_avg_1m": load_average()[0]}
            measured[system].append(row)
            print(f"{system:10s} {size:>7,}  round {r + 1}  p50 {row['search_p50_ms']:8.3f} ms  p95 {row['search_p95_ms']:8.3f} ms"
                  f"  open {row['open_s']:7.3f} s  load {row['load_avg_1m']:.2f}", flush=True)
    rows = []
    for system in systems:
        runs = measured[system]
        row = runs[-1] | built[system]
        for key in ("search_p50_ms", "search_p95_ms", "open_s"):
            row[key] = round(float(np.median([run[key] for run in runs])), 3)
        row |= {"rounds": [{k: run[k] for k in ("search_p50_ms", "search_p95_ms", "open_s", "load_avg_1m")} for run in runs],
                "default": system == "alhf", "consult_p95_ms": row["search_p95_ms"]}  # one component's consult
        rows.append(row)
        print(f"{system:10s} {size:>7,}  p50 {row['search_p50_ms']:8.3f} ms  p95 {row['search_p95_ms']:8.3f} ms  "
              f"open {row['open_s']:7.3f} s  RSS {row['rss_mb']:7.1f} MB  disk {row['disk_mb']:7.1f} MB  "
              f"build {row['build_s']:.0f} s  (median of {len(runs)})", flush=True)
        shutil.rmtree(root / f"{system}-{size}", ignore_errors=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument("--local-max", type=int, default=10000, help="largest size for alhf-local and mem0 (local mode)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each system, alternating the order")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--system", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    cached_vectors(lesson_texts(max(args.sizes)), "lessons")
    cached_vectors(query_texts(500), "queries")
    started, rows = time.perf_counter(), []
    root = Path(tempfile.mkdtemp(prefix="alhf-compare-"))
    try:
        for size in args.sizes:
            systems = [s for s in args.systems if not (s in ("alhf-local", "mem0") and size > args.local_max)]
            rows += compare_size(size, systems, root, args.queries, args.rounds)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    result = {"unit": "one search of one component's memory (top 5), query vector given",
              "rounds": args.rounds, "embed": embed_cost(args.queries), "rows": rows,
              "total_s": round(time.perf_counter() - started, 1)}
    print(f"MiniLM embed of a request (add to every row): p50 {result['embed']['p50_ms']} ms, p95 {result['embed']['p95_ms']} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
