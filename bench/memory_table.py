"""The console table of bench_memory.py."""

from __future__ import annotations


def print_table(result: dict) -> None:
    rows = [("measure", "lessons/comp", "points/coll", "n", "p50 ms", "p95 ms")]
    for entry in result["consult"]:
        rows.append((f"[{entry['backend']}] consult turn (embed + 3 consults)", f"{entry['lessons_per_component']:,}",
                     f"{entry['points_per_collection']:,}", str(entry["turn"]["n"]),
                     f"{entry['turn']['p50_ms']:.2f}", f"{entry['turn']['p95_ms']:.2f}"))
        rows.append(("  of which: MiniLM embed", "", "", "", f"{entry['embed']['p50_ms']:.2f}",
                     f"{entry['embed']['p95_ms']:.2f}"))
        three = entry.get("consult_three")  # results written before consult_many: one entry per component
        for name, s in ({"3 components (consult_many)": three} if three else entry["consult"]).items():
            rows.append((f"  of which: consult {name}", "", "", "", f"{s['p50_ms']:.2f}", f"{s['p95_ms']:.2f}"))
        for key, label in (("filtered", "diag: qdrant query, filtered"), ("no_filter", "diag: qdrant query, no filter"),
                           ("no_filter_ids_only", "diag: qdrant query, no filter, ids only")):
            q = entry["qdrant_query"].get(key)
            if q is None:  # results written before that diagnostic existed
                continue
            rows.append((label, "", "", str(q["n"]), f"{q['p50_ms']:.2f}", f"{q['p95_ms']:.2f}"))
        for key, label in (("learn_one", "learn 1 lesson (add_lesson)"), ("forget_one", "forget 1 lesson (delete_lesson)")):
            rows.append((label, f"{entry['lessons_per_component']:,}", "", str(entry[key]["n"]),
                         f"{entry[key]['p50_ms']:.2f}", f"{entry[key]['p95_ms']:.2f}"))
        rows.append(("open store", f"{entry['lessons_per_component']:,}", "", "1",
                     f"{entry['open_store_s'] * 1000:.0f}", ""))
    for turn in result.get("turns", []):
        for label in ("memory_off", "memory_on"):
            rows.append((f"[{turn['backend']}] full turn, fake model, {label.replace('_', ' ')}", f"{turn['lessons_per_component']:,}",
                         "", str(turn[label]["n"]), f"{turn[label]['p50_ms']:.2f}", f"{turn[label]['p95_ms']:.2f}"))
            if "cpu" in turn[label]:
                rows.append(("  its process CPU time", "", "", "", f"{turn[label]['cpu']['p50_ms']:.2f}",
                             f"{turn[label]['cpu']['p95_ms']:.2f}"))
        rows.append((f"[{turn['backend']}] memory on / off (p50 wall)", "", "", "", f"{turn['overhead_p50_ratio']:.2f}x", ""))
        if "overhead_cpu_p50_ratio" in turn:
            rows.append((f"[{turn['backend']}] memory on / off (p50 CPU)", "", "", "", f"{turn['overhead_cpu_p50_ratio']:.2f}x", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if j == 0:
            print("  ".join("-" * w for w in widths))
