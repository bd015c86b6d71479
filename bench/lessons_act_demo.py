"""Issue 12 demo, driven end to end through the CLI with a real model: teach the Q1 order count with a
correction in `alhf chat`, then ask related requests in new processes (`alhf ask`), and read what
happened from the traces in alhf.db (SQL run, repair, dropped filters, answer check).

    python bench/lessons_act_demo.py --source . --gguf ~/.local/share/alhf/models/x.gguf --home /tmp/h \
        --out bench/results/lessons_act_after.json

`--source` is the code tree to run (this one, or an older commit unpacked with `git archive`), so the
same script measures before and after a change. Each request costs several model calls (5-30 s each).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CORRECTION = ("never take counts from the summary notes; count the orders with SQL on the orders table")
TAUGHT = "How many orders did we ship in Q1 2024?"
# (request, regex the right answer matches, regex it must not match); demo data: 3 orders in Q1 2024,
# none in March 2024, 280.0 of revenue in February 2024; the wiki says "about 1.2M in Q1"
FOLLOW_UPS = [
    ("What was our total order revenue in March 2024?", r"\b(0|0\.0|none|no|zero)\b", r"1\.2"),
    ("What was our total order revenue in February 2024?", r"\b280(\.0+)?\b", r"1\.2"),
]
EXPECT_TAUGHT = (r"\b(3|three)\b", r"1\.2")


def _cli(source: Path, home: Path, config: Path, args: list[str], stdin: str = "") -> tuple[str, float]:
    env = {**os.environ, "ALHF_HOME": str(home), "HF_HUB_OFFLINE": "1", "COLUMNS": "160"}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "workflows", *args, "-c", str(config)], cwd=source, env=env,
                         input=stdin, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"alhf {' '.join(args)} failed ({out.returncode}): {out.stderr[-2000:]}")
    return out.stdout, round(time.perf_counter() - started, 1)


def _turns(home: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(home / "alhf.db")
    conn.row_factory = sqlite3.Row
    turns = []
    for turn in conn.execute("SELECT id, request, answer, tool_plan, applied_lessons FROM turns ORDER BY created_at"):
        spans = [dict(r) | {"attributes": json.loads(r["attributes"])} for r in
                 conn.execute("SELECT name, attributes FROM spans WHERE turn_id = ? ORDER BY start_ns", (turn["id"],))]
        turns.append({
            "turn_id": turn["id"], "request": turn["request"], "answer": turn["answer"],
            "applied_lessons": json.loads(turn["applied_lessons"]),
            "tool_calls": [{"query": s["attributes"].get("arguments", {}).get("query"), "ok": s["attributes"].get("ok"),
                            "attempt": s["attributes"].get("attempt"), "note": s["attributes"].get("note"),
                            "output": (s["attributes"].get("output") or "")[:200]}
                           for s in spans if s["name"] == "tool_call"],
            "repairs": [s["attributes"].get("reason") for s in spans if s["name"] == "repair"],
            "answer_checks": [{k: s["attributes"].get(k) for k in ("attempt", "verdict", "reason", "unchecked")}
                              for s in spans if s["name"] == "answer_check"],
            "regenerated": any(s["name"] == "regenerate" for s in spans),
            "writer_replies": [s["attributes"].get("reply") for s in spans
                               if s["name"] == "generate" and s["attributes"].get("agent") == "writer"],
            "learned": [s["attributes"] for s in spans if s["name"] == "learn"],
        })
    conn.close()
    return turns


def _verdict(answer: str, expect: str, forbid: str) -> bool:
    return bool(re.search(expect, answer, re.I)) and not re.search(forbid, answer, re.I)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--gguf", type=Path, help="the GGUF model file; without it, a dry run with the fake model")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--follow-ups", type=int, default=len(FOLLOW_UPS), help="how many follow-up requests")
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    config = args.home / "config.yaml"
    model = f"{{provider: local, gguf_path: {args.gguf}}}" if args.gguf else "{provider: fake}"
    config.write_text(f"model: {model}\nmemory: {{embedder: minilm}}\n")
    timings: dict[str, float] = {}
    # chat: ask, correct at the final checkpoint, accept the redone answer, quit
    transcript, timings["chat"] = _cli(args.source, args.home, config, ["chat", "--mode", "terminate", "--user", "ana"],
                                       f"{TAUGHT}\n{CORRECTION}\n\n/quit\n")
    for request, _, _ in FOLLOW_UPS[: args.follow_ups]:  # each in a new process: the lesson comes from disk
        _, timings[request] = _cli(args.source, args.home, config, ["ask", request, "--json", "--user", "ana"])
    turns = _turns(args.home)
    checks = {TAUGHT: EXPECT_TAUGHT, **{r: (e, f) for r, e, f in FOLLOW_UPS}}
    for turn in turns:
        expect, forbid = checks[turn["request"]]
        turn["correct"] = _verdict(turn["answer"], expect, forbid)
    report = {"source": str(args.source.resolve()), "seconds": timings, "turns": turns, "chat_transcript": transcript}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    for turn in turns:
        sql = "; ".join(f"[{c['attempt'] or 1}:{'ok' if c['ok'] else 'error'}] {c['query']}" for c in turn["tool_calls"])
        print(f"{'RIGHT' if turn['correct'] else 'WRONG'} | {turn['request']} | {turn['answer'][:160]!r} | {sql or 'no tool'}")


if __name__ == "__main__":
    main()
