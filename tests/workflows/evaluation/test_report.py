from __future__ import annotations

import json
import re
from pathlib import Path

from tests.helpers import runner
from workflows.cli import app


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\n")
    return path


def test_eval_report_folder_matches_metrics_and_regressions_fail(tmp_path: Path, shared_dir: Path):
    config = _config(tmp_path)
    folder = tmp_path / "report"
    result = runner.invoke(app, ["eval", str(shared_dir / "scenarios"), "--baseline", "--report", str(folder),
                                 "-c", str(config), "--provider", "fake"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((folder / "metrics.json").read_text())
    for png in ("learning_curve.png", "injection_matrix.png"):
        assert (folder / png).read_bytes()[:4] == b"\x89PNG"
    markdown = (folder / "report.md").read_text()
    overall = re.search(r"\| \*\*overall\*\* \| on \| (.*) \|", markdown).group(1).split(" | ")
    assert overall[1] == f"{metrics['overall']['lesson_recall']:.2f}"
    assert overall[2] == f"{metrics['overall']['false_injection_rate']:.2f}"
    assert metrics["baseline_overall"]["lesson_recall"] == 0.0
    assert metrics["overall"]["feedback_coverage"] == 1.0

    worse = dict(metrics, overall={**metrics["overall"], "lesson_recall": 1.0})
    old = tmp_path / "old.json"
    old.write_text(json.dumps(worse))
    args = ["eval", str(shared_dir / "scenarios"), "--answers", "off", "--compare", str(old), "-c", str(config),
            "--provider", "fake"]
    ok = runner.invoke(app, [*args, "--fail-under", "routing_accuracy=0.5"])
    assert ok.exit_code == 0 and "lesson_recall" in ok.output and "(worse)" in ok.output
    bad = runner.invoke(app, [*args, "--fail-under", f"lesson_recall={metrics['overall']['lesson_recall'] + 0.01}"])
    assert bad.exit_code == 1 and "below" in bad.output
    over = runner.invoke(app, [*args, "--fail-over", "false_injection_rate=-0.1"])
    assert over.exit_code == 1
    typo = runner.invoke(app, [*args, "--fail-under", "recall=0.9"])
    assert typo.exit_code == 2 and "METRIC=VALUE" in typo.output
