"""The ToolPlanner: picks tools and arguments; its lessons prefer or avoid tools and hint arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


from memory.records import Lesson

from agents.guidance import guidance_block
from agents.json_reply import parse_json_object
from agents.llm import LLM
from agents.model_agent import ModelAgent
from agents.retriever import Retrieval
from agents.tools import ToolRegistry, ToolResult
from agents.tracing import span

__all__ = ["ToolPlannerAgent", "ToolPlan"]

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

    def summary(self) -> str:
        if not self.results:
            return "No tool run."
        return "Tool results:\n" + "\n".join(
            f"- {r.tool}({r.arguments}) -> {'ok' if r.ok else 'error'}: {r.output}" for r in self.results
        )


class ToolPlannerAgent(ModelAgent):
    def __init__(self, llm: LLM, registry: ToolRegistry) -> None:
        super().__init__(name="tool_planner", system_message=SYSTEM, human_input_mode="NEVER",
                         llm_config=llm.llm_config("tool_planner", json_output=True),
                         description="Chooses and runs tools.")
        llm.attach(self)
        self.registry = registry

    def plan(self, request: str, retrieval: Retrieval, lessons: list[Lesson], *, generate: bool = True) -> ToolPlan:
        avoid = {tool for lesson in lessons for tool in lesson.action.avoid_tools}
        prefer = [t for lesson in lessons for t in lesson.action.prefer_tools if t in self.registry.tools and t not in avoid]
        offered = [name for name in self.registry.names() if name not in avoid]
        plan = ToolPlan(offered=offered)
        if not generate or not offered:
            return plan
        hints = {k: v for lesson in lessons for k, v in lesson.action.tool_argument_hints.items()}
        lines = [
            f"REQUEST: {request}",
            "TOOLS:\n" + "\n".join(f"- {self.registry.tools[name].signature()}" for name in offered),
            retrieval.summary(),
        ]
        if prefer:
            lines.append("PREFERRED TOOLS for this kind of request: " + ", ".join(dict.fromkeys(prefer)))
        if hints:
            lines.append("ARGUMENT HINTS: " + "; ".join(f"{k}: {v}" for k, v in hints.items()))
        if lessons:
            lines.append(guidance_block(lessons))
        with span("generate", agent=self.name) as step:
            plan.raw = self.complete([{"role": "user", "content": "\n\n".join(lines)}])
            step.set(reply=plan.raw[:500])
        data = parse_json_object(plan.raw) or {}
        calls = data.get("tool_calls") or []
        for call in calls[:3] if isinstance(calls, list) else []:
            if not isinstance(call, dict):
                continue
            name = str(call.get("tool") or call.get("name") or "")
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            if name in avoid:  # a lesson forbade it; the model's choice does not override that
                continue
            plan.calls.append({"tool": name, "arguments": arguments})
            with span("tool_call", tool=name, arguments=arguments) as step:
                result = self.registry.call(name, arguments)
                step.set(ok=result.ok, output=result.output[:500])
            plan.results.append(result)
        return plan
