"""`alhf eval`: measure learning on scenario files, against a no-memory baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from workflows.cli.support import ConfigOption, Provider, Switch, console, err, fail, guarded, load, model_progress

__all__ = ["evaluate"]


def evaluate(
    folder: Path = typer.Argument(..., help="A folder of scenario YAML files (format: shared/SCENARIOS.md), or one file."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the report as JSON here."),
    answers: Switch = typer.Option(Switch.on, "--answers", help="off: skip text generation; routing, recall and "
                                   "false injection are still scored (they do not depend on it)."),
    baseline: bool = typer.Option(False, "--baseline", help="Also run each scenario with memory off, and write a "
                                  "report folder (--report)."),
    report_dir: Optional[Path] = typer.Option(None, "--report", help="Report folder: report.md, learning_curve.png, "
                                              "injection_matrix.png, metrics.json (default with --baseline: eval-report)."),
    compare_to: Optional[Path] = typer.Option(None, "--compare", help="An earlier metrics.json: print what got better "
                                              "or worse."),
    fail_under: list[str] = typer.Option([], "--fail-under", help="METRIC=VALUE: exit 1 if the overall metric is "
                                         "below VALUE (repeatable), e.g. lesson_recall=0.9."),
    fail_over: list[str] = typer.Option([], "--fail-over", help="METRIC=VALUE: exit 1 if above VALUE (repeatable), "
                                        "e.g. false_injection_rate=0.05."),
    trace_home: Optional[Path] = typer.Option(None, "--trace-home", help="Keep every turn's trace (and the feedback "
                                              "learned) in DIR/alhf.db, a data dir of its own; the JSON report names each "
                                              "step's turn: read it with ALHF_HOME=DIR alhf trace show TURN."),
    provider: Optional[Provider] = typer.Option(None, case_sensitive=False, help="Override model.provider (fake: no model needed)."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Run every scenario in a fresh memory and report routing accuracy, lesson recall, false injection."""
    from agents.llm import LLM
    from memory.settings import build_embedder
    from workflows.config import data_dir
    from workflows.evaluation.metrics import METRICS, report
    from workflows.evaluation.runner import run_scenarios
    from workflows.evaluation.scenarios import load_scenarios

    config = load(config_path, provider)
    scenarios = [s for _, s in guarded(lambda: load_scenarios(folder))]
    known = set(METRICS)  # thresholds and the old report are checked before minutes of model time
    floors, ceilings = _thresholds(fail_under, known), _thresholds(fail_over, known)
    old = _read_metrics(compare_to) if compare_to else None
    traces = _open_trace_home(trace_home) if trace_home is not None else None  # before minutes of model time
    home = data_dir(config)
    embedder = guarded(lambda: build_embedder(config.memory, home))
    progress, update = model_progress()
    try:
        llm = guarded(lambda: LLM(config.model, home / "models", progress=update))
    finally:
        progress.stop()
    total_steps = sum(len(s.steps) for s in scenarios) * (2 if baseline else 1)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task("eval", total=total_steps)
        on, off = guarded(lambda: run_scenarios(
            scenarios, llm=llm, embedder=embedder, memory_settings=config.memory, baseline=baseline,
            generate=answers is Switch.on, top_k=config.retriever_top_k, governance=config.governance,
            on_scenario=lambda s, enabled: bar.update(task, description=f"{s.name} (memory {'on' if enabled else 'off'})"),
            on_step=lambda _: bar.advance(task), traces=traces))
    if traces is not None:
        traces.close()
    settings = {"model": llm.description, "embedder": embedder.name, "answers": answers.value,
                "thresholds": {k.value: v for k, v in config.memory.gate.thresholds.items()}}
    result = report(on, off, settings)
    _print_report(result)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2))
        console.print(f"report written to {json_path}")
    if report_dir or baseline:
        from workflows.evaluation.report import write_report_folder

        written = write_report_folder(result, report_dir or Path("eval-report"))
        console.print(f"report folder: {written} (report.md, learning_curve.png, injection_matrix.png, metrics.json)")
    if trace_home is not None:
        console.print(f"traces of every turn: ALHF_HOME={trace_home} alhf trace list (turn ids in the JSON report)")
    _check_regressions(result, old, floors, ceilings)


def _thresholds(pairs: list[str], known: set[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = None
        if name not in known or number is None:
            fail(f"Threshold {pair!r}: use METRIC=VALUE with METRIC one of {', '.join(sorted(known))}.")
        out[name] = number  # type: ignore[assignment]
    return out


def _read_metrics(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"Cannot read {path} as metrics JSON ({exc}); pass a metrics.json from an earlier `alhf eval`.")
    if not isinstance(data, dict) or "overall" not in data:
        fail(f"{path} has no 'overall' block: pass a metrics.json written by `alhf eval`.")
    return data


def _check_regressions(result: dict[str, Any], old: dict[str, Any] | None, floors: dict[str, float],
                       ceilings: dict[str, float]) -> None:
    from workflows.evaluation.report import compare

    lines, failures = compare(result, old or {"overall": {}}, floors, ceilings)
    if old is not None:
        console.print("compared with the earlier run:\n  " + "\n  ".join(lines))
    for failure in failures:
        err.print(f"[red]regression:[/] {failure}")
    if failures:
        raise typer.Exit(1)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _open_trace_home(folder: Path):  # noqa: ANN202 - TraceStore, imported lazily
    """The trace store of an eval's own data dir; one line when the folder cannot be made or written."""
    from workflows.traces.store import TraceStore

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--trace-home {folder}: {exc.strerror or exc}")
    return guarded(lambda: TraceStore(folder / "alhf.db"))


def _print_report(result: dict[str, Any]) -> None:
    from workflows.evaluation.metrics import CONSOLE_METRICS

    table = Table(title="alhf eval", title_justify="left")
    table.add_column("scenario")
    for name in CONSOLE_METRICS:
        table.add_column(name.replace("_", " "), justify="right")
    rows = [(s["name"], s) for s in result["scenarios"]] + [("overall", result["overall"])]
    for name, values in rows:
        table.add_row(name, *[_fmt(values[m]) for m in CONSOLE_METRICS])
        if "baseline" in values:
            table.add_row("  (no memory)", *[_fmt(values["baseline"][m]) for m in CONSOLE_METRICS])
    if "baseline_overall" in result:
        table.add_row("overall (no memory)", *[_fmt(result["baseline_overall"][m]) for m in CONSOLE_METRICS])
    console.print(table)
    if result["overall"]["answer_pass_rate"] is None:
        console.print("[dim]answer pass rate: n/a (answer checks are skipped with the fake model or --answers off)[/]")
