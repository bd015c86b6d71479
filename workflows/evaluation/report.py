"""The evaluation report folder (`alhf eval --baseline`) and the regression check (`--compare`).

Folder: report.md (tables), learning_curve.png, injection_matrix.png, metrics.json (the same
numbers the tables show, so CI can read them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workflows.evaluation.metrics import LOWER_IS_BETTER, REPORT_METRICS as TABLE_METRICS

__all__ = ["write_report_folder", "compare"]


def _cell(value: Any) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _markdown(report: dict[str, Any]) -> str:
    head = "| scenario | memory | " + " | ".join(m.replace("_", " ") for m in TABLE_METRICS) + " |"
    lines = [
        "# alhf evaluation report",
        "",
        f"Model: {report['settings']['model']}; embedder: {report['settings']['embedder']}; "
        f"answers: {report['settings']['answers']}; gate thresholds: {report['settings']['thresholds']}.",
        "",
        head,
        "|" + "---|" * (len(TABLE_METRICS) + 2),
    ]
    rows = [(s["name"], s, s.get("baseline")) for s in report["scenarios"]]
    rows.append(("**overall**", report["overall"], report.get("baseline_overall")))
    for name, on, off in rows:
        lines.append(f"| {name} | on | " + " | ".join(_cell(on.get(m)) for m in TABLE_METRICS) + " |")
        if off is not None:
            lines.append(f"| {name} | off | " + " | ".join(_cell(off.get(m)) for m in TABLE_METRICS) + " |")
    lines += [
        "",
        "n/a: nothing to score (no labelled feedback, no `relevant` step, no real model for answer checks).",
        "Feedback coverage: corrections that produced a stored lesson; utilization: stored lessons applied at "
        "least once; repeated-correction rate: corrections that repeated a lesson already stored.",
        "",
        "![learning curve](learning_curve.png)",
        "",
        "![injection matrix](injection_matrix.png)",
        "",
    ]
    return "\n".join(lines)


def _curve_points(report: dict[str, Any], key: str) -> dict[str, list[tuple[int, float]]]:
    """Per number of corrections given before a step: lesson recall and answer pass rate over the run."""
    out: dict[str, list[tuple[int, float]]] = {}
    for metric in ("lesson_recall", "answer_pass_rate", "feedback_adherence"):
        buckets: dict[int, list[float]] = {}
        for scenario in report["scenarios"]:
            steps = scenario[key] if key == "steps" else scenario.get("baseline_steps", [])
            given = 0
            for step in steps:
                if metric == "lesson_recall" and step["required"]:
                    hit = len(set(step["required"]) & set(step["applied"])) / len(step["required"])
                    buckets.setdefault(given, []).append(hit)
                if metric == "answer_pass_rate" and step["answer_checks"] in ("passed", "failed"):
                    buckets.setdefault(given, []).append(float(step["answer_checks"] == "passed"))
                if metric == "feedback_adherence" and step.get("adherence") is not None:
                    buckets.setdefault(given, []).append(float(step["adherence"]))
                given += int(step["feedback_id"] is not None)  # its feedback is learned after the step
        out[metric] = sorted((k, sum(v) / len(v)) for k, v in buckets.items())
    return out


def _plots(report: dict[str, Any], folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for key, style, label in (("steps", "-o", "memory on"), ("baseline_steps", "--s", "memory off (baseline)")):
        points = _curve_points(report, key)
        for metric, color in (("lesson_recall", "tab:blue"), ("answer_pass_rate", "tab:green"),
                              ("feedback_adherence", "tab:purple")):
            if points[metric]:
                xs, ys = zip(*points[metric])
                ax.plot(xs, ys, style, color=color, label=f"{metric.replace('_', ' ')} - {label}")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("corrections given before the step")
    ax.set_ylabel("rate over steps (0-1)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title("Learning curve: what the corrections buy")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(folder / "learning_curve.png", dpi=110)
    plt.close(fig)

    steps = [(s["name"], st) for s in report["scenarios"] for st in s["steps"] if st["required"] is not None]
    feedback_ids = []
    for s in report["scenarios"]:
        for st in s["steps"]:
            if st.get("routed") is not None:
                feedback_ids.append((s["name"], st.get("feedback_id") or st["id"]))
    colors = {"required+applied": 3, "required, missed": 2, "applied, not required": 1, "": 0}
    grid = [[0] * len(feedback_ids) for _ in steps]
    for row, (name, st) in enumerate(steps):
        for col, (fname, fid) in enumerate(feedback_ids):
            if fname != name:
                continue
            required, applied = fid in st["required"], fid in st["applied"]
            grid[row][col] = colors["required+applied" if required and applied else "required, missed" if required
                                    else "applied, not required" if applied else ""]
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    cmap = ListedColormap(["#f4f4f4", "#d62728", "#ff9f1c", "#2ca02c"])
    fig, ax = plt.subplots(figsize=(max(5, 1.1 * len(feedback_ids) + 3), max(3, 0.38 * len(steps) + 1.5)))
    ax.imshow(grid or [[0]], cmap=cmap, vmin=0, vmax=3, aspect="auto")
    ax.set_xticks(range(len(feedback_ids)), [f"{n}:{f}" for n, f in feedback_ids], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(steps)), [f"{n}:{st['id']}" for n, st in steps], fontsize=8)
    ax.set_xlabel("lesson (scenario:feedback id)")
    ax.set_ylabel("scored step (scenario:step)")
    ax.set_title("Injection matrix: required vs applied (memory on)")
    ax.legend(handles=[Patch(color="#2ca02c", label="required, applied"), Patch(color="#ff9f1c", label="required, missed"),
                       Patch(color="#d62728", label="applied, not required"), Patch(color="#f4f4f4", label="neither")],
              fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(folder / "injection_matrix.png", dpi=110)
    plt.close(fig)


def write_report_folder(report: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(report, indent=2))
    (folder / "report.md").write_text(_markdown(report))
    _plots(report, folder)
    return folder


def compare(new: dict[str, Any], old: dict[str, Any], floors: dict[str, float], ceilings: dict[str, float]) -> tuple[list[str], list[str]]:
    """Lines describing each overall metric's change, and the threshold violations."""
    lines, failures = [], []
    for metric in sorted(set(new["overall"]) - {"counts"}):
        now, before = new["overall"].get(metric), old.get("overall", {}).get(metric)
        if now is None and before is None:
            continue
        if now is None or before is None or now == before:
            verdict = "same" if now == before else "n/a"
        else:
            better = now < before if metric in LOWER_IS_BETTER else now > before
            verdict = "better" if better else "worse"
        lines.append(f"{metric}: {_cell(before)} -> {_cell(now)} ({verdict})")
    for metric, floor in floors.items():
        value = new["overall"].get(metric)
        if value is None or value < floor:
            failures.append(f"{metric} = {_cell(value)} is below {floor:.2f}")
    for metric, ceiling in ceilings.items():
        value = new["overall"].get(metric)
        if value is None or value > ceiling:
            failures.append(f"{metric} = {_cell(value)} is above {ceiling:.2f}")
    return lines, failures
