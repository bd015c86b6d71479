"""Prints the markdown tables of bench/README.md ("Memory backends") from the JSON results.

Usage: python bench/report_memory.py bench/results/memory_backends.json bench/results/compare.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def memory_tables(result: dict) -> None:
    print("| backend | lessons / component | consult p50 ms | consult p95 ms | embed p95 ms | open s | learn 1 p50 / p95 ms | forget 1 p50 / p95 ms | disk MB | fill s | index s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for e in result["consult"]:
        mark = " (default)" if e.get("default") else ""
        print(f"| {e['backend']}{mark} | {e['lessons_per_component']:,} | {e['turn']['p50_ms']:.1f} | **{e['turn']['p95_ms']:.1f}** | "
              f"{e['embed']['p95_ms']:.1f} | **{e['open_store_s']:.2f}** | {e['learn_one']['p50_ms']:.1f} / {e['learn_one']['p95_ms']:.1f} | "
              f"{e['forget_one']['p50_ms']:.1f} / {e['forget_one']['p95_ms']:.1f} | {e['disk_mb']} | {e['fill_s']} | {e.get('optimize_s', 0)} |")
    print()
    print("| backend | lessons / component | turn, memory off p50 / p95 ms | turn, memory on p50 / p95 ms | on / off (p50) |")
    print("|---|---:|---:|---:|---:|")
    for t in result.get("turns", []):
        print(f"| {t['backend']} | {t['lessons_per_component']:,} | {t['memory_off']['p50_ms']:.1f} / {t['memory_off']['p95_ms']:.1f} | "
              f"{t['memory_on']['p50_ms']:.1f} / {t['memory_on']['p95_ms']:.1f} | **{t['overhead_p50_ratio']:.2f}x** |")


def compare_table(result: dict) -> None:
    rows = result["rows"]
    floor = {r["lessons_per_component"]: r for r in rows if r["system"] == "numpy"}
    ours = {r["lessons_per_component"]: r for r in rows if r["system"] == "alhf"}
    print("| system | lessons | search p50 ms | search p95 ms | vs alhf (p50) | vs numpy (p50) | open s | RSS MB | disk MB | build s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        n = r["lessons_per_component"]
        vs_ours = f"{r['search_p50_ms'] / ours[n]['search_p50_ms']:.1f}x" if n in ours else ""
        vs_floor = f"{r['search_p50_ms'] / floor[n]['search_p50_ms']:.2f}x" if n in floor else ""
        print(f"| {r['system']} | {n:,} | {r['search_p50_ms']:.2f} | {r['search_p95_ms']:.2f} | {vs_ours} | {vs_floor} | "
              f"{r['open_s']:.2f} | {r['rss_mb']:.0f} | {r['disk_mb']:.1f} | {r['build_s']:.0f} |")
    print(f"\nMiniLM embed of one request (the same for every system): p50 {result['embed']['p50_ms']} ms, "
          f"p95 {result['embed']['p95_ms']} ms.")


if __name__ == "__main__":
    for path in sys.argv[1:]:
        data = json.loads(Path(path).read_text())
        memory_tables(data) if "consult" in data else compare_table(data)
        print()
