"""Can the model tell whether a request falls under the condition a correction opens with?

Some corrections open with the condition their rule holds under: "When we ask anyone to leave a phone with us, tell
them to back it up first", "Whenever we price or finish a screen job, add this: ...". The gate compares a request with
the whole lesson, so a message about a phone that is ready to collect got the back-up rule (held-out v16, seen).
This probe asks the model, with a yes/no JSON schema, whether each request the gate applied such a lesson to (and each
it missed) falls under the correction's opening condition alone, and counts the verdicts by the scenario label: a
veto on "no" would be worth having only if it stopped the wrong ones and kept the right ones.

    python bench/gate_replay.py <suites> --provider local --gate threshold --no-data-check --dump /tmp/dump.json
    python bench/condition_probe.py /tmp/dump.json <suites> --gguf PATH

Measured 2026-12-07 (tenth session) on held-out v16 and every spent suite with the gate's candidates of the final
ninth-session code (48 candidates from 9 corrections): of 13 wrong applications the model said "no" to 12, but of 28
right ones it also said "no" to 16, so a veto would lose more right lessons than it stops wrong ones. Not adopted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gate_replay import build_llm, load  # noqa: E402

from agents.model_check import ModelCheck  # noqa: E402

SYSTEM = ("A team rule holds only under a condition. Decide whether the request below falls under the condition: "
          "answer true only when what the request asks for is the situation the condition describes. "
          'Reply with JSON: {"falls_under": true or false}.')
SCHEMA = {"type": "object", "properties": {"falls_under": {"type": "boolean"}}, "required": ["falls_under"]}
# the condition a correction opens with: "When we ...", "Whenever ...", "For anything about ...", "Anything we send ..."
OPENING = re.compile(r"^\s*(?:(?:please|also|and|oh|ok|okay|right|look)[,:]?\s+)?(?:when(?:ever)?|if|"
                     r"for (?:any|every|all|each)\w*|any(?:thing|time)|every time|on (?:any|every))\b[^.,;:!?]*", re.I)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", type=Path, help="a candidate dump of bench/gate_replay.py --dump")
    parser.add_argument("folders", nargs="+", help="the scenario suites the dump was made from")
    parser.add_argument("--gguf", type=Path, required=True, help="the local model's GGUF file")
    args = parser.parse_args()
    asks, corrections = {}, {}
    for scenario in load(args.folders):
        for step in scenario.steps:
            asks[scenario.name, step.id] = step.ask
            if step.feedback:
                corrections[scenario.name, step.feedback.id] = step.feedback.text
    judge = ModelCheck(build_llm("local", args.gguf), name="condition_probe", system=SYSTEM, schema=SCHEMA)
    counts: Counter[tuple[str, object]] = Counter()
    for candidate in json.loads(args.dump.read_text())["candidates"]:
        opening = OPENING.match(corrections.get((candidate["scenario"], candidate["feedback_id"]), ""))
        if opening is None or not (candidate["label"] or candidate["passed"]):
            continue
        kind = ("right" if candidate["passed"] else "missed") if candidate["label"] else "wrong"
        request = asks[candidate["scenario"], candidate["step"]].strip()
        verdict = judge.ask(f"CONDITION: {opening.group().strip()}\nREQUEST: {request}").get("falls_under")
        counts[kind, verdict] += 1
        print(f"{kind:6} {verdict!s:5} | {opening.group().strip()[:50]} | {request[:80]}", flush=True)
    for kind in ("right", "wrong", "missed"):
        print(f"{kind}: yes {counts[kind, True]}, no {counts[kind, False]}, no verdict {counts[kind, None]}")


if __name__ == "__main__":
    main()
