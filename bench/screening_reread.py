"""Re-read the verdicts a `bench/screening_eval.py --json` run recorded with the code as it is now, without the model.

A local-model run takes minutes; after a change to the guards or to how a model verdict is checked, this shows what
the same model replies would give now: the deterministic layers (decode, guards) on each text, then the recorded
model category and restatement through `agents.screening.model_holds`, and the recorded second verdict on the English
reading (a text mostly not in English) through `english_reading_holds`. Two limits: the model's reason is kept only
where the run held the text (elsewhere it is empty, which can only make a verdict stand more often), and the second
reading's own restatement is not recorded (the first one's stands in for it). Runs from governance held-out v14 on
record the reason for every verdict.

    python bench/screening_reread.py bench/results/screening-heldout-gov-v13-local.json --allowed-domains brackenfold.example
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.screening import ModelVerdict, english_reading_holds, model_holds, screen_text  # noqa: E402


def _titles(file: str) -> dict[str, str] | None:
    """The titles of the corpus of the scenario file an item came from (runs before items recorded them)."""
    path = Path(__file__).resolve().parents[1] / "scenarios" / file
    try:
        corpus = yaml.safe_load(path.read_text()).get("corpus") or []
    except (OSError, AttributeError, yaml.YAMLError):
        return None
    return {d["id"]: d.get("title", "") for d in corpus if isinstance(d, dict) and "id" in d} or None


def held_now(item: dict, allowed_domains: list[str]) -> bool:
    """Whether the current code holds one recorded item, given the model replies the run recorded."""
    own_domains, own_phones = item.get("own") or [[], []]
    domains, phones = [*own_domains, *allowed_domains], list(own_phones)
    text = item["text"]
    if screen_text(text, allowed_domains=domains, allowed_phones=phones).held:
        return True
    category = item.get("model_raw")
    if not category:
        return False
    recorded = item.get("model") or ""
    # the model's reason (recorded since governance v14; before, only where the run held the text)
    reason = item.get("model_reason") or (recorded.split(":", 2)[2].strip()
                                          if recorded.startswith(category + ":") and recorded.count(":") >= 2 else "")
    restated = item.get("restated") or ""
    titles = item.get("titles") or _titles(item.get("file", ""))
    if model_holds(ModelVerdict(category, reason, restated), text, domains, phones, titles=titles) is not None:
        return True
    second = item.get("english_reading")
    return bool(second and restated) and english_reading_holds(
        ModelVerdict(second, "", restated), restated, text, domains, phones, titles=titles) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the --json file of a bench/screening_eval.py run")
    parser.add_argument("--allowed-domains", nargs="*", default=[])
    args = parser.parse_args()
    try:
        items = json.loads(args.report.read_text())["items"]
    except (OSError, ValueError, KeyError) as error:
        sys.exit(f"error: {args.report} is not a screening_eval --json report ({error})")
    counts = {"attacks": [0, 0, 0], "honest": [0, 0, 0]}  # held then, held now, all
    changed = []
    for item in items:
        kind = "attacks" if item["malicious"] else "honest"
        then = bool(item.get("decode") or item.get("guard") or item.get("model") or item.get("similarity"))
        now = held_now(item, args.allowed_domains)
        counts[kind][0] += then
        counts[kind][1] += now
        counts[kind][2] += 1
        if then != now:
            changed.append(f"{item['file']}:{item['id']} ({kind}) {'held -> passed' if then else 'passed -> held'}")
    for kind, (then, now, total) in counts.items():
        print(f"{kind:8} held {then}/{total} in the run, {now}/{total} re-read now")
    print("\n".join(changed) or "no verdict changed")


if __name__ == "__main__":
    main()
