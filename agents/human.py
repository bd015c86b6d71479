"""The human agent: a ConversableAgent whose `human_input_mode` is AutoGen's own setting.

When it is asked is decided by AutoGen (`check_termination_and_human_reply`): ALWAYS at every
handoff, TERMINATE only at the final answer (a termination message), NEVER not at all. Where the
input comes from is a pluggable `HumanInputSource`: the terminal, a scripted human in tests, or
(later) the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Literal, Protocol

from autogen import Agent, ConversableAgent
from autogen.io.base import IOStream

__all__ = [
    "HumanMode",
    "HumanInputSource",
    "ScriptedHuman",
    "CallbackInput",
    "HumanAgent",
    "Checkpoint",
    "CheckpointKind",
    "QUIT_WORDS",
    "NOT_HERE_WORDS",
]

HumanMode = Literal["ALWAYS", "TERMINATE", "NEVER"]
QUIT_WORDS = frozenset({"exit", "quit", "/quit", "/exit", ":q"})
FINAL_ANSWER_NAME = "writer"


class HumanInputSource(Protocol):
    def ask(self, prompt: str, stage: str, content: str) -> str: ...


class ScriptedHuman:
    """Replies from a list, in order; records every prompt it saw. Runs out -> accepts ("")."""

    def __init__(self, replies: list[str] | None = None) -> None:
        self.replies = list(replies or [])
        self.seen: list[tuple[str, str]] = []  # (stage, content)

    def ask(self, prompt: str, stage: str, content: str) -> str:
        self.seen.append((stage, content))
        return self.replies.pop(0) if self.replies else ""


class CallbackInput:
    """Input from a function (the terminal session passes one that shows the stage and reads a line)."""

    def __init__(self, fn: Callable[[str, str, str], str]) -> None:
        self._fn = fn

    def ask(self, prompt: str, stage: str, content: str) -> str:
        return self._fn(prompt, stage, content)


class CheckpointKind(str, Enum):
    NOT_ASKED = "not_asked"
    ACCEPT = "accept"
    CORRECT = "correct"
    NOT_HERE = "not_here"  # a lesson applied here should not have been: the text names it, or is empty for all
    QUIT = "quit"


NOT_HERE_WORDS = ("/not-here", "/nothere")


@dataclass
class Checkpoint:
    stage: str
    kind: CheckpointKind
    text: str = ""


class _QuietStream:
    """AutoGen's console events (termination banners) are not for our users; the session draws its own UI."""

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        pass

    def send(self, message: Any) -> None:
        pass

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        raise RuntimeError("HumanAgent reads input through its HumanInputSource, not the iostream")


class HumanAgent(ConversableAgent):
    """The person in the loop. `checkpoint()` hands it one stage's output, the AutoGen way."""

    def __init__(self, mode: HumanMode, source: HumanInputSource, name: str = "human") -> None:
        super().__init__(
            name=name,
            llm_config=False,
            human_input_mode=mode,
            is_termination_msg=lambda msg: msg.get("name") == FINAL_ANSWER_NAME,
            max_consecutive_auto_reply=1_000_000,  # TERMINATE asks at the final answer, not on a counter
            default_auto_reply="",
        )
        self.source = source
        self._stage = ""
        self._content = ""
        self._asked: str | None = None

    def get_human_input(self, prompt: str, *, iostream: Any = None) -> str:  # AutoGen's hook
        reply = self.source.ask(prompt, self._stage, self._content).strip()
        self._asked = reply
        self._human_input.append(reply)
        return "exit" if reply.lower() in QUIT_WORDS else reply

    def checkpoint(self, stage_agent: Agent, content: str) -> Checkpoint:
        """Give the human one handoff; AutoGen's human_input_mode decides whether they are asked."""
        self._stage, self._content, self._asked = stage_agent.name, content, None
        message = {"role": "user", "name": stage_agent.name, "content": content}
        self._consecutive_auto_reply_counter[stage_agent] = 0
        with IOStream.set_default(_QuietStream()):
            self.generate_reply(messages=[message], sender=stage_agent)
        if self._asked is None:
            return Checkpoint(stage_agent.name, CheckpointKind.NOT_ASKED)
        if self._asked.lower() in QUIT_WORDS:
            return Checkpoint(stage_agent.name, CheckpointKind.QUIT)
        if not self._asked:
            return Checkpoint(stage_agent.name, CheckpointKind.ACCEPT)
        command, _, rest = self._asked.partition(" ")
        if command.lower() in NOT_HERE_WORDS:
            return Checkpoint(stage_agent.name, CheckpointKind.NOT_HERE, rest.strip())
        return Checkpoint(stage_agent.name, CheckpointKind.CORRECT, self._asked)
