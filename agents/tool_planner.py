"""The ToolPlanner: picks tools and arguments; its lessons prefer or avoid tools and hint arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from memory.records import Lesson

from agents.guidance import guidance_block
from agents.json_reply import parse_json_object
from agents.llm import LLM
from agents.model_agent import ModelAgent
from agents.retriever import Retrieval
from agents.sql_checks import Related
from agents.taught_figures import without_taught_figures
from agents.tools import ToolRegistry, ToolResult
from agents.tracing import span

__all__ = ["ToolPlannerAgent", "ToolPlan", "asks_one_total", "relatedness", "salvage_truncated_calls"]

SYSTEM = """You are the ToolPlanner of a team of agents. Decide which tools, if any, must run to answer \
the request, and with which arguments. Use a tool only when the request needs data the documents do not \
give, such as figures computed from the database. Reply with JSON only: \
{"tool_calls": [{"tool": "<name>", "arguments": {...}}]} or {"tool_calls": []}."""


@dataclass
class ToolPlan:
    calls: list[dict[str, Any]] = field(default_factory=list)
    results: list[ToolResult] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)
    raw: str = ""
    repair_reason: str = ""  # why a second planning attempt ran; empty when none did
    failed: list[ToolResult] = field(default_factory=list)  # first-attempt failures a repair replaced
    preferred: list[str] = field(default_factory=list)  # tools an applied lesson prefers for requests like this one

    def summary(self) -> str:
        if not self.results:
            return "No tool run."
        return "Tool results:\n" + "\n".join(
            f"- {r.tool}({r.arguments}) -> {'ok' if r.ok else 'error'}: {r.output}" for r in self.results
        )

    def answering_results(self) -> list[ToolResult]:
        """Tool results that answer the request: the call succeeded (an empty SQL result answers "none")."""
        return [r for r in self.results if r.ok and r.output.strip()]


Embed = Callable[[list[str]], Any]  # texts -> one vector each (rows of an array)

_ONE_TOTAL = re.compile(r"\b(?:how many|how much|how long|total|in all|altogether|sum of|add(?:ed)? up)\b", re.I)
_PER_ITEM = re.compile(r"\b(?:each|per|every|list|which|what are|breakdown|by (?:month|day|week|year|room|customer|"
                       r"member|branch|product|type))\b", re.I)
_AGGREGATED = re.compile(r"\b(?:SUM|COUNT|AVG|MIN|MAX|TOTAL|GROUP_CONCAT)\s*\(|\bGROUP\s+BY\b|\bLIMIT\b", re.I)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def asks_one_total(request: str) -> bool:
    """Whether a request asks for one figure over all the rows it names, not one per item.

        >>> asks_one_total("How many hours has Ana Ruiz used the meeting rooms?")
        True
        >>> asks_one_total("How many hours did each booking last?")
        False
    """
    return _ONE_TOTAL.search(request) is not None and _PER_ITEM.search(request) is None


def relatedness(embed: Embed, request: str) -> Related:
    """The cosine similarity of `request` to a phrase, each phrase embedded once; nothing is embedded until
    the first phrase (most turns check no filter)."""
    cache: dict[str, float] = {}
    anchors: list[np.ndarray] = []

    def related(phrase: str) -> float:
        if not anchors:
            anchors.append(np.asarray(embed([request])[0], dtype=np.float32))
        anchor = anchors[0]
        if phrase not in cache:
            vector = np.asarray(embed([phrase])[0], dtype=np.float32)
            norms = float(np.linalg.norm(anchor) * np.linalg.norm(vector))
            cache[phrase] = float(anchor @ vector) / norms if norms else 0.0
        return cache[phrase]

    return related


# a reply cut off inside the query string (a small model that never closes it, then runs out of tokens)
_TRUNCATED_CALL = re.compile(r'"tool"\s*:\s*"(?P<tool>\w+)"\s*,\s*"arguments"\s*:\s*\{\s*"query"\s*:\s*"'
                             r'(?P<query>[^"]*?)\s*(?:"|\}\s*\}\s*\]|$)', re.S)


def salvage_truncated_calls(raw: str) -> list[dict[str, Any]]:
    """Tool calls with a `query` argument read from a reply that is not valid JSON; [] when none.

        >>> salvage_truncated_calls('{"tool_calls": [{"tool": "sql", "arguments": {"query": "SELECT 1}}]}....')
        [{'tool': 'sql', 'arguments': {'query': 'SELECT 1'}}]
    """
    if parse_json_object(raw) is not None:
        return []
    return [{"tool": m["tool"], "arguments": {"query": m["query"].rstrip(". ")}}
            for m in _TRUNCATED_CALL.finditer(raw) if m["query"].strip()]


class ToolPlannerAgent(ModelAgent):
    def __init__(self, llm: LLM, registry: ToolRegistry, *, embed: Embed | None = None) -> None:
        """`embed` (texts -> vectors, e.g. the memory's embedder) lets argument checks tell a filter the
        request asks for in other words from an invented one; without it they compare words only."""
        super().__init__(name="tool_planner", system_message=SYSTEM, human_input_mode="NEVER",
                         llm_config=llm.llm_config("tool_planner", json_output=True),
                         description="Chooses and runs tools.")
        llm.attach(self)
        self.registry = registry
        self.embed = embed

    def plan(
        self, request: str, retrieval: Retrieval, lessons: list[Lesson], *, generate: bool = True, repair: bool = True,
    ) -> ToolPlan:
        """Choose and run tools. When a call fails, or a lesson's preferred tool was not called, the model
        sees why and plans once more (`repair`); both attempts are traced."""
        avoid = {tool for lesson in lessons for tool in lesson.action.avoid_tools}
        prefer = list(dict.fromkeys(t for lesson in lessons for t in lesson.action.prefer_tools
                                    if t in self.registry.tools and t not in avoid))
        offered = [name for name in self.registry.names() if name not in avoid]
        plan = ToolPlan(offered=offered, preferred=prefer)
        if not generate or not offered:
            return plan
        hints = {k: v for lesson in lessons for k, v in lesson.action.tool_argument_hints.items()}
        lines = [
            f"REQUEST: {request}",
            "TOOLS:\n" + "\n".join(f"- {self.registry.tools[name].signature()}" for name in offered),
            retrieval.summary(),
        ]
        if prefer:
            lines.append("PREFERRED TOOLS for this kind of request: " + ", ".join(prefer))
        if hints:
            lines.append("ARGUMENT HINTS: " + "; ".join(f"{k}: {v}" for k, v in hints.items()))
        if lessons:
            lines.append(guidance_block(lessons))
        # values a WHERE filter may use: what the request and the lessons mention (the schema is added by the tool),
        # not the figure a correction gave for the request it was taught on ("May had 9, not 7")
        allowed = "\n".join([request, *(without_taught_figures(lesson.text) for lesson in lessons), *hints.values()])
        related = relatedness(self.embed, request) if self.embed is not None else None
        # what the lessons ask of the data, in the person's own words where kept (a router's paraphrase may lose them)
        guidance = "\n".join(lesson.feedback_text or lesson.text for lesson in lessons)
        prompt = "\n\n".join(lines)
        plan.raw = self._generate(prompt)
        self._run_calls(plan, plan.raw, avoid, allowed, related, request, guidance, attempt=1)
        reason = self._repair_reason(plan, prefer)
        if not (repair and reason):
            return self._added_up(plan, request)
        with span("repair", agent=self.name, reason=reason[:500]):
            plan.repair_reason = reason
            # a chat turn, not one long prompt: a small model copies a previous call it is shown inside the prompt
            raw = self._generate(prompt, previous=plan.raw, feedback=(
                f"That did not work: {reason}\nWrite new tool calls that fix this; do not repeat a statement that "
                "failed. Reply with JSON only."))
            first_calls, first_results = plan.calls, plan.results
            plan.failed = [r for r in first_results if not r.ok or r.suspect]
            plan.calls = [c for c, r in zip(first_calls, first_results) if r.ok and not r.suspect]
            plan.results = [r for r in first_results if r.ok and not r.suspect]
            kept = len(plan.results)
            plan.raw = raw
            self._run_calls(plan, raw, avoid, allowed, related, request, guidance, attempt=2)
            suspects = [(c, r) for c, r in zip(first_calls, first_results) if r.ok and r.suspect]
            if suspects and not any(r.ok for r in plan.results[kept:]):
                # the repair ran nothing that worked: a suspect result still answers (it may be a true "none")
                failed_again = plan.results[kept:]
                plan.calls = plan.calls[:kept] + [c for c, _ in suspects]
                plan.results = plan.results[:kept] + [r for _, r in suspects]
                plan.failed = [r for r in first_results if not r.ok] + failed_again
            if not plan.results:  # the repair ran nothing: the writer must still see that the data failed
                plan.calls, plan.results = first_calls, first_results
        return self._added_up(plan, request)

    def _added_up(self, plan: ToolPlan, request: str) -> ToolPlan:
        """A request for one total ("how many hours has Ana used the rooms?") answered with one figure per row
        (the hours of each booking, no SUM): the rows are added up by the database, and that result replaces
        them. A small writer otherwise reads out the first row."""
        if not asks_one_total(request):
            return plan
        for index, result in enumerate(plan.results):
            statement = result.arguments.get("query") if result.tool == "sql" else None
            rows = result.rows  # [] for a failed call
            if not isinstance(statement, str) or len(rows) < 2 or _AGGREGATED.search(statement) \
                    or not all(len(row) == 1 and _NUMBER.fullmatch(row[0]) for row in rows):
                continue
            column = next(line for line in result.output.splitlines() if line.strip()).strip().replace('"', '""')
            total = f'SELECT SUM("{column}") AS total FROM ({statement})'
            with span("add_up_rows", agent=self.name, rows=len(rows)) as step:
                summed = self.registry.call("sql", {"query": total}, request)
                step.set(ok=summed.ok, output=summed.output[:200])
            if summed.ok:
                summed.note = f"{len(rows)} rows of one figure each, for a request that asks one total: added up"
                plan.results[index] = summed
                plan.calls[index] = {"tool": "sql", "arguments": summed.arguments}
        return plan

    def _generate(self, prompt: str, *, previous: str = "", feedback: str = "") -> str:
        messages = [{"role": "user", "content": prompt}]
        if feedback:
            messages += [{"role": "assistant", "content": previous}, {"role": "user", "content": feedback}]
        with span("generate", agent=self.name) as step:
            raw = self.complete(messages)
            step.set(reply=raw[:500])
        return raw

    def _run_calls(self, plan: ToolPlan, raw: str, avoid: set[str], allowed: str, related: Related | None,
                   request: str, guidance: str, *, attempt: int) -> None:
        data = parse_json_object(raw) or {}
        calls = data.get("tool_calls") or salvage_truncated_calls(raw)
        for call in calls[:3] if isinstance(calls, list) else []:
            if not isinstance(call, dict):
                continue
            name = str(call.get("tool") or call.get("name") or "")
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            if name in avoid:  # a lesson forbade it; the model's choice does not override that
                continue
            if any(c == {"tool": name, "arguments": arguments} for c in plan.calls):
                continue  # a repair that repeats a call which already ran adds nothing
            with span("tool_call", tool=name, arguments=arguments, attempt=attempt) as step:
                result = self.registry.checked_call(name, arguments, allowed, related, request, guidance)
                step.set(ok=result.ok, output=result.output[:500], attempt=attempt)
                if result.note:
                    step.set(arguments=result.arguments, note=result.note)
                if result.suspect:
                    step.set(suspect=result.suspect)
            plan.calls.append({"tool": name, "arguments": result.arguments})
            plan.results.append(result)

    @staticmethod
    def _repair_reason(plan: ToolPlan, prefer: list[str]) -> str:
        """Why the first attempt needs another: the failed calls' errors, a suspect result (it found nothing
        through a filter value no row holds, or left out a value the request names), or a preferred tool not
        called."""
        errors = [f"{r.tool} failed: {r.output}" for r in plan.results if not r.ok]
        errors += [f"{r.tool} {r.suspect}." for r in plan.results if r.ok and r.suspect]
        if errors:
            return " ".join(errors)
        called = {c["tool"] for c in plan.calls}
        if prefer and not called & set(prefer):
            return (f"the team guidance says to use {', '.join(prefer)} for this kind of request, "
                    "and no such tool was called")
        return ""
