"""The turn-overhead loop of bench_memory.py (`bench_turns`) on ONE store built once, so that code versions
can be compared on the same lessons (Edge's HNSW build is not deterministic: two builds of the same fill
apply different numbers of lessons per turn).

    # build the store once (10k lessons per component, optimized, the demo corpus), with any code version
    PYTHONPATH=. python bench/bench_turn_store.py build /tmp/turn-store --lessons 10000
    # measure: run it alternately with the code trees to compare (ALHF_CODE = the tree to import)
    ALHF_CODE=/path/to/tree python bench/bench_turn_store.py measure /tmp/turn-store --requests 100 --json out.json

`measure` copies the store to a temporary folder first (a turn never writes lessons, but the open takes the
store's lock and Edge may write its WAL), runs 5 warm-up requests, then the requests with memory off and on
alternating request by request, `--repeats` passes, and reports wall and process-CPU p50 / p95, the on/off
ratios, and per memory-on turn: lessons applied, model replies, request embeds, regenerations, repairs.

`--free-consults` adds a third assistant, memory on, whose consults return results computed before the timed
passes (same request vector, same lessons): a diagnostic of what the turn would cost if the three consults
took no time, i.e. the part of the overhead that is not the search (applying lessons, expanded queries).
"""

from __future__ import annotations

import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from pathlib import Path  # noqa: E402

CODE = Path(os.environ.get("ALHF_CODE") or Path(__file__).resolve().parents[1]).resolve()
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(CODE), str(BENCH.parent), str(BENCH)]

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def build(args: argparse.Namespace) -> int:
    from memory.embedding import MiniLMEmbedder
    from memory.store import MemoryStore
    from workflows.workspace import load_workspace

    from bench_fill import PoolNoiseEmbedder, fill_store, make_requests

    folder = Path(args.folder)
    embedder = MiniLMEmbedder(folder.parent / "minilm-cache", threads=1)
    pool_texts = make_requests(500, args.seed)
    fill = PoolNoiseEmbedder(np.stack(embedder.embed(pool_texts)))
    store = MemoryStore.open(folder, embedder=embedder)
    store.backend.optimize_every = 10**9
    fill_s = fill_store(store, fill, 0, args.lessons, pool_texts, args.seed)
    t0 = time.perf_counter()
    store.optimize()
    store.replace_corpus(load_workspace(None).corpus)
    store.close()
    print(json.dumps({"lessons_per_component": args.lessons, "fill_s": round(fill_s, 1),
                      "optimize_s": round(time.perf_counter() - t0, 1)}))
    return 0


class Counting:
    """Counts calls of a bound method (model replies, embeds) without changing what it returns."""

    def __init__(self) -> None:
        self.calls = 0

    def wrap(self, obj: object, name: str) -> None:
        original = getattr(obj, name)

        def counted(*a, **k):
            self.calls += 1
            return original(*a, **k)
        setattr(obj, name, counted)


def measure(args: argparse.Namespace) -> int:
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("autogen").setLevel(logging.ERROR)
    from agents.llm import LLM
    from agents.settings import ModelSettings
    from memory.consult import LessonMemory
    from memory.embedding import MiniLMEmbedder
    from memory.gate import GateSettings, RelevanceGate
    from memory.store import MemoryStore
    from workflows.config import load_config
    from workflows.turn import Assistant
    from workflows.workspace import load_workspace

    from bench.common import load_average, summary
    from bench_fill import make_requests

    tmp = Path(tempfile.mkdtemp(prefix="alhf-turn-store-"))
    try:
        shutil.copytree(args.folder, tmp / "store", ignore=shutil.ignore_patterns(".lock"))
        embedder = MiniLMEmbedder(Path(args.folder).parent / "minilm-cache", threads=1)
        store = MemoryStore.open(tmp / "store", embedder=embedder)
        try:
            gate = load_config(CODE / "config.yaml").memory.gate
        except Exception:  # noqa: BLE001
            gate = GateSettings()
        workspace = load_workspace(None)
        llm = LLM(ModelSettings(provider="fake"), tmp / "models")
        registry = workspace.tool_registry(tmp / "workspaces")
        requests = make_requests(args.requests, args.seed + 2)
        assistants = {label: Assistant(llm=llm, memory=LessonMemory(store, RelevanceGate(gate), enabled=enabled),
                                       registry=registry, traces=None, user="bench")
                      for label, enabled in (("memory_off", False), ("memory_on", True))}
        if args.free_consults:
            free = Assistant(llm=llm, memory=LessonMemory(store, RelevanceGate(gate)), registry=registry, traces=None,
                             user="bench")
            precomputed: dict = {}
            search_many, decide = free.memory.search_many, free.memory.decide

            def precomputed_search(components, vector):
                key = ("search", np.asarray(vector, dtype=np.float32).tobytes())
                if key not in precomputed:
                    precomputed[key] = search_many(components, vector)
                return precomputed[key]

            def precomputed_decide(component, hits, vector, **kwargs):
                key = (component, np.asarray(vector, dtype=np.float32).tobytes())
                if key not in precomputed:
                    precomputed[key] = decide(component, hits, vector, **kwargs)
                return precomputed[key]
            free.memory.search_many, free.memory.decide = precomputed_search, precomputed_decide
            for request in requests:
                free.run_turn(request)  # computes every consult of the timed passes (the embed is deterministic)
            assistants["memory_on_free_consults"] = free
        for request in requests[:5]:
            for assistant in assistants.values():
                assistant.run_turn(request)
        counters = {label: {"model": Counting(), "embed": Counting()} for label in assistants}
        for label, assistant in assistants.items():
            for agent in (assistant.tool_planner, assistant.writer, assistant.writer.checker):
                counters[label]["model"].wrap(agent, "complete")
        samples = {label: [] for label in assistants}
        cpu = {label: [] for label in assistants}
        applied = dict.fromkeys(assistants, 0)
        regenerated = dict.fromkeys(assistants, 0)
        repaired = dict.fromkeys(assistants, 0)
        embeds = dict.fromkeys(assistants, 0)
        consult_ms: list[float] = []
        real_embed = embedder.embed
        current = {"label": ""}

        def counted_embed(texts):
            embeds[current["label"]] += 1
            return real_embed(texts)
        embedder.embed = counted_embed
        load_before = load_average()
        for _ in range(args.repeats):
            for request in requests:
                for label, assistant in assistants.items():
                    current["label"] = label
                    t0, c0 = time.perf_counter(), time.process_time()
                    result = assistant.run_turn(request)
                    samples[label].append((time.perf_counter() - t0) * 1000)
                    cpu[label].append((time.process_time() - c0) * 1000)
                    applied[label] += len(result.applied)
                    regenerated[label] += int(any(s.name == "regenerate" for s in result.spans))
                    repaired[label] += int(bool(result.plan.repair_reason))
                    if label == "memory_on":
                        consult_ms.append(sum(s.duration_ms for s in result.spans
                                              if s.name in ("embed_request", "retrieve_lessons")))
        out = {"code": str(CODE), "backend": store.backend_name, "default": store.backend_name == "edge",
               "lessons_per_component": args.lessons_hint, "requests": len(requests), "repeats": args.repeats,
               "load_avg_before": load_before, "load_avg_after": load_average()}
        for label in assistants:
            n = len(samples[label])
            out[label] = summary(samples[label]) | {
                "cpu": summary(cpu[label]), "avg_applied_per_turn": round(applied[label] / n, 3),
                "model_replies_per_turn": round(counters[label]["model"].calls / n, 3),
                "embeds_per_turn": round(embeds[label] / n, 3),
                "regenerated_share": round(regenerated[label] / n, 3), "repaired_share": round(repaired[label] / n, 3)}
        out["consult_in_turn"] = summary(consult_ms)  # memory on: the turn's embed + 3 consults, from its spans
        out["consult_p50_ms"], out["consult_p95_ms"] = out["consult_in_turn"]["p50_ms"], out["consult_in_turn"]["p95_ms"]
        out["overhead_p50_ratio"] = round(out["memory_on"]["p50_ms"] / out["memory_off"]["p50_ms"], 3)
        # per pass: the first meets each request's lessons for the first time (the store reads and keeps them),
        # later passes find them kept
        n = len(requests)
        out["overhead_p50_ratio_by_pass"] = [
            round(float(np.median(samples["memory_on"][i * n:(i + 1) * n]))
                  / float(np.median(samples["memory_off"][i * n:(i + 1) * n])), 3) for i in range(args.repeats)]
        if args.free_consults:
            out["free_consults_p50_ratio"] = round(out["memory_on_free_consults"]["p50_ms"] / out["memory_off"]["p50_ms"], 3)
        out["overhead_cpu_p50_ratio"] = round(out["memory_on"]["cpu"]["p50_ms"] / out["memory_off"]["cpu"]["p50_ms"], 3)
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    line = (f"off {out['memory_off']['p50_ms']:.2f} on {out['memory_on']['p50_ms']:.2f} ms p50 -> "
            f"{out['overhead_p50_ratio']:.2f}x (CPU {out['overhead_cpu_p50_ratio']:.2f}x), applied "
            f"{out['memory_on']['avg_applied_per_turn']}, replies {out['memory_on']['model_replies_per_turn']} vs "
            f"{out['memory_off']['model_replies_per_turn']}, embeds {out['memory_on']['embeds_per_turn']}, "
            f"load {out['load_avg_before'][0]}-{out['load_avg_after'][0]}; by pass "
            + " / ".join(f"{r:.2f}x" for r in out["overhead_p50_ratio_by_pass"]))
    if args.free_consults:
        line += f"; with free consults {out['memory_on_free_consults']['p50_ms']:.2f} ms -> {out['free_consults_p50_ratio']:.2f}x"
    print(line, file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phase", choices=["build", "measure"])
    parser.add_argument("folder")
    parser.add_argument("--lessons", type=int, default=10000, help="build: lessons per component")
    parser.add_argument("--lessons-hint", type=int, default=10000, help="measure: recorded as lessons_per_component")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--free-consults", action="store_true", help="measure: also a memory-on turn with precomputed consults")
    parser.add_argument("--json")
    args = parser.parse_args()
    return build(args) if args.phase == "build" else measure(args)


if __name__ == "__main__":
    raise SystemExit(main())
