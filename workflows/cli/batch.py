"""`alhf batch` and `alhf export`: unattended runs into the review queue, and training data out of it."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from workflows.cli.support import (
    actor,
    ConfigOption, Provider, UserOption, console, err, fail, guarded, load, load_llm, open_queue, open_runtime,
)

__all__ = ["batch_app", "export"]


class Engine(str, Enum):
    threads = "threads"
    ray = "ray"


def _recorder(runtime: Any, who: str) -> Callable[[Any, str], None]:
    """How the driver writes a turn a Ray worker answered to the trace store."""
    from workflows.turn.recording import record_turn

    sink = runtime.exporter.export if runtime.exporter is not None else None
    return lambda result, run_id: record_turn(result, traces=runtime.traces, mode="NEVER", user=who,
                                              memory_enabled=True, session_id=run_id, span_sink=sink)


def _ray_engine(runtime: Any, workers: int, who: str, address: Optional[str]) -> Any:
    from workflows.governance.trust import author_trust
    from workflows.review.ray_engine import RayEngine

    def trust() -> dict[str, float]:
        return author_trust(runtime.store.list_lessons(), runtime.traces.connection, runtime.config.governance)

    with err.status(f"starting {workers} Ray worker(s) ({address or 'a local cluster'})..."):
        server = runtime.server
        return RayEngine(runtime.config, workers=workers, user=who, server_url=server.url if server else None,
                         token=server.token if server else None, trust=trust, address=address)

batch_app = typer.Typer(help="Unattended runs whose outputs wait in the review queue.", no_args_is_help=True)


@batch_app.command("run")
def batch_run(
    tasks: Path = typer.Argument(..., help="JSONL: one {\"id\": ..., \"request\": ..., \"metadata\": {...}} a line."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=512,
                                help="Tasks run concurrently (threads, or Ray actors with --engine ray)."),
    resume: Optional[str] = typer.Option(None, "--resume", help="Finish this run id (default: the unfinished run "
                                         "of this tasks file, else a new run)."),
    new_run: bool = typer.Option(False, "--new-run", help="Answer the whole file again in a new run, even if an "
                                 "earlier run finished it."),
    template: Optional[str] = typer.Option(None, help="Review template for its outputs (review.templates)."),
    engine: Engine = typer.Option(Engine.threads, "--engine", help="threads: --workers threads in this process. "
                                  "ray: --workers Ray actors (a local Ray cluster, or --address), reading the "
                                  "memory of `alhf serve` or memory.qdrant_url; this process writes the queue."),
    address: Optional[str] = typer.Option(None, "--address", help="With --engine ray: the cluster to join (auto, "
                                          "ray://HOST:10001); default: start a local one."),
    provider: Optional[Provider] = typer.Option(None, case_sensitive=False, help="Override model.provider from config."),
    user: Optional[str] = UserOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Answer every task with no human in the loop (human_input_mode NEVER) into the review queue.

    Killed at any point, run the same command again: only what is missing is done. Corrections made
    by reviewers while it runs are learned before the next task starts.

    Many machines: `alhf serve` on one, then `ALHF_TOKEN=... alhf batch run tasks.jsonl --engine ray
    --address auto --workers 32` (docs/scaling.md).
    """
    from functools import cache

    from workflows.review.batch import BatchRunner, read_tasks

    config = load(config_path, provider)
    guarded(lambda: read_tasks(tasks))  # a missing or unreadable file is said before the model loads
    template_name, _ = guarded(lambda: config.review.template(template))
    who = actor(config, user)
    runtime = open_runtime(config)
    queue = open_queue(config)
    if address and engine is not Engine.ray:
        fail("--address is for --engine ray.")
    try:
        llm = cache(lambda: load_llm(runtime))  # the driver of a Ray run needs a model only to learn an inbox
        runner = BatchRunner(queue, lambda: runtime.assistant(llm(), user=who), template=template_name,
                             learns_inbox=runtime.server is None, record=_recorder(runtime, who))
        if engine is Engine.ray:
            chosen = guarded(lambda: _ray_engine(runtime, workers, who, address))
        else:
            llm()  # loaded before the progress bar starts, as its own step
            chosen = None
        with Progress(TextColumn("[bold]batch[/]"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err) as bar:
            task = bar.add_task("batch", total=None, rate="")

            def started(todo: int, done: int) -> None:
                bar.update(task, total=todo + done, completed=done)

            def advanced() -> None:
                bar.advance(task)
                speed = bar.tasks[0].speed
                bar.update(task, rate=f"{speed:.2f} tasks/s" if speed else "")

            summary = guarded(lambda: runner.run(tasks, run_id=resume, workers=workers, new_run=new_run,
                                                 on_start=started, on_task=advanced, engine=chosen))
    finally:
        queue.close()
        runtime.close()
    for problem in summary.problems:
        err.print(f"[yellow]skipped[/] {escape(problem)}")
    if summary.finished_before:
        console.print(f"run {summary.run_id} already answered every task of {tasks} ({summary.already_done} done): "
                      "nothing to do. Pass --new-run to answer the file again, or review with `alhf review next`.")
        return
    state = ("interrupted: run the same command again to finish" if summary.interrupted
             else "finished" if not summary.failed else "finished with failures: run the same command again to retry them")
    console.print(f"run {summary.run_id} {state}: {summary.done} done, {summary.failed} failed, "
                  f"{summary.skipped} skipped (malformed), {summary.already_done} already done earlier, "
                  f"{summary.learned} reviewer correction(s) learned. Review with `alhf review next`.")
    if engine is Engine.ray and runner.placement:
        console.print(f"answered on {len(runner.placement)} Ray worker(s): "
                      + ", ".join(f"{where} {n}" for where, n in sorted(runner.placement.items())))
    if runner.dead_letters:
        err.print(f"[yellow]{runner.dead_letters} reviewer correction(s) failed to learn[/]: see `alhf review inbox`")
    if summary.interrupted:
        raise typer.Exit(130)
    if summary.failed:
        err.print(f"[red]{summary.failed} task(s) failed[/]: see `alhf review list --json` and run the command again "
                  "to retry them.")
        raise typer.Exit(1)



def export(
    path: Path = typer.Argument(..., help="Output JSONL file."),
    fmt: str = typer.Option("chat", "--format", help="chat (OpenAI chat fine-tuning) or alpaca."),
    run: Optional[str] = typer.Option(None, "--run", help="Only this batch run."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Write one training record per reviewed item: input, output, expected output, verdict and scores,
    error classification and context (documents, tool results, lessons applied)."""
    from workflows.review.export import export_training

    if fmt not in ("chat", "alpaca"):
        fail(f"Unknown format {fmt!r}: use chat or alpaca.")
    queue = open_queue(load(config_path))
    try:
        count = export_training(queue, path, fmt=fmt, run_id=run)  # type: ignore[arg-type]
    finally:
        queue.close()
    console.print(f"wrote {count} record(s) to {path} ({fmt})")
