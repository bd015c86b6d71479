"""Quarantine recall and false-quarantine rate of the screening layers over scenario folders.

Every feedback of every scenario file is screened on its own; `quarantine: true` feedback must be held,
any other must pass. Each layer is scored alone and the layers are scored together, in screening order.

    python bench/screening_eval.py scenarios/governance-tuning --provider fake
    python bench/screening_eval.py scenarios/governance-heldout ../shared/scenarios-governance \
        --provider local --gguf ~/.local/share/alhf/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \
        --model-cache /tmp/screen-cache.json --json bench/results/screening-local.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.llm import LLM  # noqa: E402
from agents.screening import (  # noqa: E402
    _SHOTS, SYSTEM, CorrectionScreener, ModelVerdict, english_reading_holds, model_holds, needs_english_reading,
    similarity_verdict_stands,
)
from agents.screening_guards import own_contacts, run_guards  # noqa: E402
from agents.screening_similarity import SimilarityScreen  # noqa: E402
from agents.settings import ModelSettings  # noqa: E402
from agents.text_decoding import decode_text  # noqa: E402

LAYERS = ("decode", "guard", "model", "similarity")


def feedback_items(folders: list[Path]) -> list[dict]:
    items = []
    for folder in folders:
        files = [folder] if folder.is_file() else sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
        for path in files:
            scenario = yaml.safe_load(path.read_text())
            own = own_contacts(d.get("text", "") for d in scenario.get("corpus") or [])  # as the product reads its corpus
            for step in scenario.get("steps", []):
                feedback = step.get("feedback")
                if feedback:
                    items.append({"file": f"{folder.name}/{path.name}", "id": feedback["id"], "text": feedback["text"],
                                  "malicious": bool(feedback.get("quarantine")), "own": own,
                                  "titles": {d["id"]: d.get("title", "") for d in scenario.get("corpus") or []
                                             if isinstance(d, dict) and "id" in d}})
    return items


def rates(items: list[dict], held_key) -> dict:
    bad = [i for i in items if i["malicious"]]
    good = [i for i in items if not i["malicious"]]
    caught = sum(held_key(i) for i in bad)
    false = sum(held_key(i) for i in good)
    return {"quarantine_recall": round(caught / len(bad), 3) if bad else None, "held": caught, "malicious": len(bad),
            "false_quarantine_rate": round(false / len(good), 3) if good else None, "false_held": false,
            "honest": len(good)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--provider", choices=["fake", "local", "none"], default="fake",
                        help="model layer: the fake test model, the local GGUF, or none")
    parser.add_argument("--gguf", type=Path, help="GGUF file for --provider local")
    parser.add_argument("--allowed-domains", default="northwind.example", help="comma-separated allowlist")
    parser.add_argument("--embedder", choices=["minilm", "none"], default="minilm")
    parser.add_argument("--threshold", type=float, default=None, help="similarity threshold (default: the screen's)")
    parser.add_argument("--margin", type=float, default=None, help="similarity margin (default: the screen's)")
    parser.add_argument("--model-cache", type=Path, help="JSON file caching model verdicts by text")
    parser.add_argument("--cache-only", action="store_true",
                        help="score the model layer from --model-cache alone, without loading the model: a text "
                             "with no cached verdict counts as 'none' and is reported (model_missing)")
    parser.add_argument("--model-on-passed", action="store_true",
                        help="ask the model only about texts the decode and guard layers pass, as the product does "
                             "(the model layer's 'alone' figures then cover those texts only)")
    parser.add_argument("--json", type=Path, help="write the figures and per-item verdicts here")
    parser.add_argument("--show", action="store_true", help="print every miss and false hold")
    args = parser.parse_args()

    allowed = [d.strip() for d in args.allowed_domains.split(",") if d.strip()]
    items = feedback_items(args.folders)
    screener = None
    if args.provider != "none" and not args.cache_only:
        settings = ModelSettings(provider=args.provider, gguf_path=args.gguf)  # the product's reply length
        screener = CorrectionScreener(LLM(settings, models_dir=Path(tempfile.gettempdir()) / "alhf-bench-models"))
    similarity = None
    if args.embedder == "minilm":
        from memory.embedding import MiniLMEmbedder

        embedder = MiniLMEmbedder(Path(tempfile.gettempdir()) / "alhf-bench-minilm")
        options = {k: v for k, v in (("threshold", args.threshold), ("margin", args.margin)) if v is not None}
        similarity = SimilarityScreen(embedder, **options)
    cache = json.loads(args.model_cache.read_text()) if args.model_cache and args.model_cache.exists() else {}
    prompt = hashlib.sha1((SYSTEM + json.dumps(_SHOTS)).encode()).hexdigest()[:8]  # a new prompt is a new cache
    cache_key = f"{args.provider}:{args.gguf.name if args.gguf else ''}:{prompt}"
    started = time.perf_counter()
    model_seconds = 0.0
    missing = []
    for number, item in enumerate(items, 1):
        if number % 10 == 0:
            print(f"  {number}/{len(items)} screened", file=sys.stderr, flush=True)
        decoded = decode_text(item["text"])
        item["decoded"] = decoded.text
        item["decode"] = ", ".join(decoded.findings) or None
        domains, phones = [*allowed, *item["own"][0]], item["own"][1]
        hit = run_guards(decoded.text, domains, phones)
        item["guard"] = f"{hit.category}: {hit.reason}" if hit else None
        item["model"] = None
        skip = args.model_on_passed and (decoded.obfuscated or hit)

        def classify(text: str) -> ModelVerdict:
            """The model's verdict on `text`, from the cache when it holds one."""
            nonlocal model_seconds
            key = f"{cache_key}|{text}"
            if args.cache_only and key not in cache:
                missing.append(item["id"])
                cache[key] = ["none", "no cached verdict", ""]
            if screener is not None and (key not in cache or args.provider == "fake"):
                t0 = time.perf_counter()
                verdict = screener.classify(text)
                cache[key] = [verdict.category, verdict.reason, verdict.restated]
                model_seconds += time.perf_counter() - t0
                if args.model_cache:  # kept after every call: a long local run can be stopped and resumed
                    args.model_cache.write_text(json.dumps(cache, ensure_ascii=False, indent=1))
            return ModelVerdict(*cache[key])

        if (screener is not None or (args.cache_only and args.provider != "none")) and not skip:
            verdict = classify(decoded.text)
            item["model_raw"], item["model_reason"], item["restated"] = verdict.category, verdict.reason, verdict.restated
            titles = item.get("titles") or None
            held = model_holds(verdict, decoded.text, domains, phones, titles=titles)  # as screen_correction does
            if not held and verdict.restated and needs_english_reading(decoded.text):
                second = classify(verdict.restated)
                item["english_reading"] = second.category
                held = english_reading_holds(second, verdict.restated, decoded.text, domains, phones, titles=titles)
            item["model"] = f"{held[0]}: {held[1]}" if held else None
        item["similarity"] = None
        if similarity is not None:
            near = similarity.nearest(decoded.text)
            item["nearest"] = near and {"category": near.category, "attack": round(near.attack_score, 3),
                                        "honest": round(near.honest_score, 3), "clause": near.clause}
            if similarity.holds(near) and similarity_verdict_stands(near.category, decoded.text):
                item["similarity"] = f"{near.category}: {near.example} ({near.attack_score:.2f})"

    report = {"folders": [str(f) for f in args.folders], "provider": args.provider, "allowed_domains": allowed,
              "similarity": {"threshold": similarity.threshold, "margin": similarity.margin} if similarity else None,
              "layers_alone": {layer: rates(items, lambda i, l=layer: bool(i[l])) for layer in LAYERS},
              "cumulative": {}, "seconds": round(time.perf_counter() - started, 1),
              "model_seconds": round(model_seconds, 1), "model_missing": missing}
    for n in range(1, len(LAYERS) + 1):
        chosen = LAYERS[:n]
        report["cumulative"][" + ".join(chosen)] = rates(items, lambda i, c=chosen: any(i[l] for l in c))
    deterministic_and_similarity = ("decode", "guard", "similarity")
    report["cumulative"]["decode + guard + similarity"] = rates(
        items, lambda i: any(i[l] for l in deterministic_and_similarity))

    print(f"{len(items)} feedback items from {', '.join(map(str, args.folders))}; model: {args.provider}")
    print(f"{'layers':42} {'recall':>8} {'held':>8} {'false q.':>9} {'false':>7}")
    for title, table in (("alone", report["layers_alone"]), ("together", report["cumulative"])):
        print(f"-- {title}")
        for name, r in table.items():
            print(f"{name:42} {r['quarantine_recall']!s:>8} {r['held']:>4}/{r['malicious']:<3} "
                  f"{r['false_quarantine_rate']!s:>9} {r['false_held']:>3}/{r['honest']:<3}")
    print(f"time: {report['seconds']} s (model {report['model_seconds']} s)")
    if missing:
        print(f"no cached model verdict for {len(missing)} items (counted as 'none'): {', '.join(missing)}")
    if args.show:
        for item in items:
            held = [l for l in LAYERS if item[l]]
            if item["malicious"] != bool(held):
                kind = "MISSED" if item["malicious"] else "FALSE HOLD"
                print(f"{kind} {item['file']} {item['id']}: {item['text'][:90]!r} {held} {item.get('nearest')}")
                for layer in held:
                    print(f"    {layer}: {item[layer]}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**report, "items": items}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
