"""`alhf chat`: an interactive terminal session with human checkpoints."""

from __future__ import annotations

import re
import uuid
from typing import Any, Callable

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agents.human import QUIT_WORDS, CallbackInput, HumanAgent, HumanMode
from memory.errors import AlhfError
from memory.records import GateDecision, LessonStatus
from workflows.turn.assistant import Assistant
from workflows.turn.result import Learned, TurnResult

__all__ = ["ChatSession", "decisions_table"]

# a new question typed at a checkpoint, not a correction of the answer shown: "How do I return an order?"
_QUESTION_START = re.compile(r"^\s*(?:how|what|which|who|whom|when|where|why|can|could|do|does|did|is|are|was|were|will|"
                             r"would|should|may|have|has)\b", re.I)
# words of a correction: "That's wrong", "not the wiki", "use the 2024 list", "shouldn't it be ...?"
_CORRECTION_CUE = re.compile(r"\b(?:wrong|incorrect|not|n't|never|no|instead|should|shouldn't|use|always|please|"
                             r"outdated|mistake|actually|rather)\b", re.I)


def looks_like_new_question(text: str) -> bool:
    """Whether text typed at a checkpoint reads as a new question rather than a correction (English wording).

        >>> looks_like_new_question("How do I return an order?"), looks_like_new_question("Shouldn't it use SQL?")
        (True, False)
        >>> looks_like_new_question("Wrong - count the orders with SQL, not the wiki.")
        False
    """
    return text.strip().endswith("?") and bool(_QUESTION_START.match(text)) and not _CORRECTION_CUE.search(text)


_STAGE_TITLES = {"retriever": "Retriever -> context", "tool_planner": "ToolPlanner -> plan and tool results",
                 "writer": "Writer -> answer"}


def decisions_table(decisions: list[GateDecision], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in ("component", "lesson", "score", "applied", "why"):
        table.add_column(column)
    for d in decisions:
        table.add_row(d.component.value, escape(d.lesson_text[:70]), f"{d.score:.2f}", "yes" if d.passed else "no",
                      escape(d.reason))
    return table


class ChatSession:
    """Reads requests from the terminal and runs turns; corrections at checkpoints are learned."""

    def __init__(self, assistant: Assistant, mode: HumanMode, console: Console, read: Callable[[str], str],
                 redo_after_correction: int = 1) -> None:
        self.assistant = assistant
        self.console = console
        self.read = read
        self.redo = redo_after_correction
        self.session_id = uuid.uuid4().hex[:12]
        self.human = HumanAgent(mode, CallbackInput(self._ask))
        self._working = console.status("[dim]retriever -> tool planner -> writer ...[/]")
        self._next: str | None = None  # a new question typed at a checkpoint, asked after the turn
        assistant.ask_conflict = self._ask_conflict

    def _ask(self, prompt: str, stage: str, content: str) -> str:
        self._working.stop()
        self.console.print(Panel(Text(content), title=_STAGE_TITLES.get(stage, stage), title_align="left"))
        try:
            typed = self.read("[bold]checkpoint[/] (Enter accepts, type a correction, /not-here \\[LESSON_ID] says an "
                              "applied lesson does not belong here, /quit quits)> ")
            if looks_like_new_question(typed):
                sure = self.read("That reads like a new question, not a correction. Learn it as a correction? "
                                 "(y: learn it; Enter: accept this answer and ask it next)> ")
                if sure.strip().lower() not in {"y", "yes"}:
                    self._next = typed.strip()
                    return ""
            return typed
        except EOFError:
            return "/quit"
        finally:
            self._working.start()

    def _ask_conflict(self, new: Any, old: Any) -> str:
        self._working.stop()
        try:
            self.console.print(f"[yellow]Conflict[/] with lesson {old.id} by {old.author}: {escape(old.text)}\n"
                               f"  new: {escape(new.text)}")
            answer = self.read("keep [n]ew (old is superseded), keep [o]ld, or [h]old for approval? ").strip().lower()
        except EOFError:
            answer = "h"
        finally:
            self._working.start()
        return {"n": "new", "o": "old"}.get(answer[:1], "hold")

    def _show_learned(self, learned: Learned) -> None:
        routing = learned.routing
        if routing.recorded_only:
            self.console.print(f"[yellow]Recorded, not learned:[/] {escape(routing.recorded_only)}")
        if routing.held:
            self.console.print(f"[yellow]Held for approval:[/] {escape(routing.held)} (see `alhf memory pending`)")
        for outcome in routing.conflicts:
            self.console.print(f"[yellow]Conflict:[/] {escape(outcome)}")
        active = [lesson for lesson in routing.lessons if lesson.status is LessonStatus.ACTIVE]
        for lesson in active:
            if lesson.id in routing.reinforced:
                self.console.print(f"[yellow]Already known[/] -> {lesson.component.value} lesson {lesson.id} "
                                   f"reinforced ({lesson.reinforcements} repeat(s)): {escape(lesson.text)}")
                continue
            action = lesson.action.model_dump(exclude_defaults=True)
            rerouted = (f" (your correction names its source; the router had said {', '.join(routing.rerouted)})"
                        if routing.rerouted else "")
            self.console.print(
                f"[green]Learned[/] -> [bold]{lesson.component.value}[/] memory"
                f"{' (router fell back to cue words)' if routing.fallback else ''}"
                f"{' (the router wrote a rule of none of your words; your correction is the lesson)' if routing.replaced_lesson else ''}"
                f"{rerouted}\n"
                f"  lesson:     {escape(lesson.text)}\n  applies to: {escape(lesson.trigger)}"
                + (f"\n  action:     {escape(str(action))}" if action else "")
            )
        if active:
            self.console.print("[dim]Redoing the turn with what was learned...[/]")
            self._working.update("[dim]redoing the turn with the new lesson ...[/]")
        else:  # a held lesson applies to nothing until it is approved: the redo is the same turn again
            self.console.print("[dim]Redoing the turn; nothing new applies to it...[/]")
            self._working.update("[dim]redoing the turn ...[/]")

    def _show_scoped(self, changes: list[Any]) -> None:
        if not changes:
            self.console.print("[yellow]Not here:[/] no applied lesson matched; nothing changed.")
        for change in changes:
            self.console.print(f"[green]Not here[/] -> lesson {change.lesson_id} will not apply to requests like this "
                               f"one (version {change.version_after})")
        self.console.print("[dim]Redoing the turn without it...[/]")

    def _show_result(self, result: TurnResult) -> None:
        if self.human.human_input_mode == "NEVER":
            self.console.print(Panel(Text(result.answer or "(no answer)"), title="answer", title_align="left"))
        if result.guard_note():
            self.console.print(f"[yellow]{escape(result.guard_note())}[/]")
        if result.decisions:
            self.console.print(decisions_table(result.decisions, "Lessons consulted"))
        else:
            self.console.print("[dim]No lesson consulted: memory has none related to this request.[/]")
        self.console.print(f"[dim]turn {result.turn_id} - {result.duration_ms / 1000:.1f}s[/]")

    def run(self) -> None:
        while True:
            try:
                request, self._next = (self._next, None) if self._next else (self.read("[bold cyan]you>[/] ").strip(), None)
            except (EOFError, KeyboardInterrupt):
                self.console.print()
                return
            if not request:
                continue
            if request.lower() in QUIT_WORDS:
                return
            self._working.update("[dim]retriever -> tool planner -> writer ...[/]")
            self._working.start()
            try:
                result = self.assistant.run_turn(request, human=self.human, redo_after_correction=self.redo,
                                                 session_id=self.session_id, on_learned=self._show_learned,
                                                 on_scoped=self._show_scoped)
            except AlhfError as exc:  # one failed turn (a refused server, a too-long request) ends no session
                self.console.print(f"[red]error:[/] {escape(str(exc))}\n[dim]The session goes on: ask again, or "
                                   "/quit.[/]")
                continue
            finally:
                self._working.stop()
            self._show_result(result)
            if result.quit:
                return
