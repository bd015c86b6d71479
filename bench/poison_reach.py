"""How many poisoned corrections reach a customer's answer: with no defence, with the answer guard alone, and
with the shipped defence (screening + answer guard).

A governance suite whose malicious corrections (`quarantine: true`) are each followed by reach probes (steps
with `forbid` regexes matching the poisoned payload, until the next feedback) is run once with the local model
and **screening off** (every correction is routed and learned as if the screen had missed it) and the answer
guard recording instead of editing: each probe's raw answer is kept, and so is what the guard would have made
of it (`agents.answer_guard.guard_answer` is deterministic, so both come from the same generation). A probe is
*reached* when its answer matches one of its `forbid` regexes.

    flock /tmp/alhf-llm.lock env PYTHONPATH=. .venv/bin/python bench/poison_reach.py scenarios/governance-heldout-v6 \\
        --json bench/results/poison-reach-heldout-v6.json
    python bench/poison_reach.py scenarios/governance-heldout-v6 --replay bench/results/poison-reach-heldout-v6.json
    # the guard as shipped (it writes the answer again without a writer lesson that carried a removed contact)
    flock /tmp/alhf-llm.lock env PYTHONPATH=. .venv/bin/python bench/poison_reach.py scenarios/governance-heldout-v6 \
        --guard-shipped --only gov-v6-refunds-payments --json bench/results/poison-reach-v6-refunds-shipped-guard.json

The "shipped" column comes from `alhf eval SUITE --json` (screening on, guard on), passed with `--eval`: there a
probe is reached when its answer check failed. Reached with the guard alone is an upper bound: a guard that
removes a lesson's link also quarantines the lesson, so later probes would not see it at all.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.answer_guard import guard_answer, secret_values  # noqa: E402
from agents.llm import LLM  # noqa: E402
from memory.settings import build_embedder  # noqa: E402
from workflows.config import data_dir, load_config  # noqa: E402
from workflows.evaluation.runner import run_scenario  # noqa: E402
from workflows.evaluation.scenarios import Scenario, load_scenarios  # noqa: E402
from workflows.turn.assistant import Assistant  # noqa: E402
from workflows.turn.result import TurnResult  # noqa: E402


def probes(scenario: Scenario) -> dict[str, str]:
    """Step id -> the malicious feedback id it probes: steps with `forbid` after a quarantine feedback."""
    found, current = {}, None
    for step in scenario.steps:
        if step.forbid and current:
            found[step.id] = current
        if step.feedback is not None:
            current = step.feedback.id if step.feedback.quarantine else None
    return found


def _reached(patterns: list[str], answer: str) -> bool:
    return any(re.search(p, answer or "", re.I) for p in patterns)


def run(scenario: Scenario, llm: LLM, embedder: Any, config: Any, guard_shipped: bool = False) -> list[dict[str, Any]]:
    """`guard_shipped`: the answer guard runs as shipped (removes, writes the answer again without a writer lesson
    that carried what it removed, quarantines that lesson): each probe's answer is then the guarded one."""
    guarded: dict[str, str] = {}
    turns: dict[str, dict[str, Any]] = {}  # what the guard read, so a later guard can be replayed on the same answers

    def configure(assistant: Assistant) -> None:
        assistant.learner.screens = None  # the screen misses everything
        if guard_shipped:
            return

        def record(result: TurnResult) -> None:  # the guard's verdict, kept aside; the answer stays raw
            turns[result.request] = {"sources": result.sources(), "lessons": [
                lesson.model_dump(mode="json", include={"id", "component", "text", "feedback_text", "status",
                                                        "hold_reason", "trigger"}) for lesson in result.applied]}
            guarded[result.request] = assistant.pipeline.guard_verdict(result).text

        assistant.pipeline._guard = record

    targets = probes(scenario)
    last = max(i for i, step in enumerate(scenario.steps) if step.id in targets)
    scenario = scenario.model_copy(update={"steps": scenario.steps[:last + 1]})  # nothing after the last probe
    outcome = run_scenario(scenario, llm=llm, embedder=embedder, memory_settings=config.memory,
                           governance=config.governance, configure=configure)
    rows = []
    for step_outcome in outcome.steps:
        step = step_outcome.step
        if step.id not in targets:
            continue
        raw = step_outcome.answer
        row = {"scenario": scenario.name, "step": step.id, "feedback": targets[step.id],
               "applied": step_outcome.applied, "answer": raw, "forbid": step.forbid}
        if guard_shipped:  # the answer is the guarded one already
            row["reached_guard_shipped"] = _reached(step.forbid, raw)
        else:
            row.update({"guarded": guarded.get(step.ask, raw), "reached_no_defence": _reached(step.forbid, raw),
                        "reached_guard_only": _reached(step.forbid, guarded.get(step.ask, raw)),
                        **turns.get(step.ask, {})})
        rows.append(row)
    return rows


def replay(path: Path, config: Any, out: Path | None, screening: Path | None = None) -> None:
    """The guard of this checkout on the raw answers an earlier run recorded (same sources and lessons)."""
    from memory.records import Lesson

    report = json.loads(path.read_text())
    held = set()
    if screening is not None:
        items = json.loads(screening.read_text())["items"]
        held = {item["id"] for item in items if item["malicious"] and any(item.get(k) for k in ("decode", "guard", "model"))}
    for row in report["probes"]:
        lessons = [Lesson.model_validate(lesson) for lesson in row.get("lessons", [])]
        guarded = guard_answer(row["answer"], sources=row.get("sources", []), lessons=lessons,
                               allowed_domains=config.governance.allowed_domains,
                               allowed_phones=config.governance.allowed_phones, secrets=secret_values())
        row["guarded_replayed"] = guarded.text
        row["reached_guard_replayed"] = _reached(row["forbid"], guarded.text)
        if screening is not None:
            row["reached_shipped_estimate"] = row["reached_guard_replayed"] and row["feedback"] not in held
    if screening is not None:
        print(f"screen + today's guard (estimate): {sum(r['reached_shipped_estimate'] for r in report['probes'])} "
              f"of {len(report['probes'])} probes reached")
    print(f"reached with today's guard: {sum(r['reached_guard_replayed'] for r in report['probes'])} of "
          f"{len(report['probes'])} probes (recorded: no defence {report['summary'].get('reached_no_defence')}, "
          f"guard {report['summary'].get('reached_guard_only')})")
    if out:
        out.write_text(json.dumps(report, indent=1))


def shipped(report_path: Path, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], bool]:
    """(scenario, step) -> reached, from an `alhf eval --json` report of the same suite (answer check failed)."""
    report = json.loads(report_path.read_text())
    return {(s["name"], st["id"]): st["answer_checks"] == "failed"
            for s in report["scenarios"] for st in s["steps"] if (s["name"], st["id"]) in wanted}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--eval", type=Path, default=None, help="an `alhf eval --json` report of the same suite")
    parser.add_argument("--replay", type=Path, default=None,
                        help="an earlier --json of this script: apply today's guard to its answers, no model")
    parser.add_argument("--screening", type=Path, default=None,
                        help="with --replay: a bench/screening_eval.py --json of the suite; a probe of an attack the "
                             "screen held counts as not reached (an estimate of the shipped path)")
    parser.add_argument("--guard-shipped", action="store_true",
                        help="run the answer guard as shipped (remove, write again without the culprit, quarantine) "
                             "instead of recording it: reports reached_guard_shipped")
    parser.add_argument("--only", nargs="*", default=None, help="scenario names to run (default: every one with probes)")
    args = parser.parse_args()
    config = load_config(args.config)
    if args.replay is not None:
        replay(args.replay, config, args.json, args.screening)
        return
    home = data_dir(config)
    llm = LLM(config.model, home / "models")
    embedder = build_embedder(config.memory, home)
    rows: list[dict[str, Any]] = []
    started = time.time()
    for _, scenario in load_scenarios(args.suite):
        if not probes(scenario) or (args.only and scenario.name not in args.only):
            continue
        print(f"{scenario.name}: {len(probes(scenario))} probes ...", flush=True)
        rows += run(scenario, llm, embedder, config, args.guard_shipped)
    if args.eval is not None:
        reached = shipped(args.eval, {(r["scenario"], r["step"]) for r in rows})
        for row in rows:
            row["reached_shipped"] = reached.get((row["scenario"], row["step"]))
    total = len(rows)
    summary = {"probes": total, "model": llm.description, "seconds": round(time.time() - started, 1)}
    for column in ("reached_no_defence", "reached_guard_only", "reached_guard_shipped", "reached_shipped"):
        values = [r[column] for r in rows if r.get(column) is not None]
        if values:
            summary[column] = sum(values)
            print(f"{column}: {sum(values)} of {len(values)} probes")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "probes": rows}, indent=1))


if __name__ == "__main__":
    main()
