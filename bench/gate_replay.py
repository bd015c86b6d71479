"""Replays scenario files through the router and the relevance gate only, as `alhf eval --answers off`
scores them (lessons retrieved per component, gated; `relevant` steps scored; `not_here` taught
after the step), but with the router's lessons cached on disk, so one slow local-model routing
serves every gate variant. Used by bench/gate_fit.py (fitting) and for the held-out figures.

    python bench/gate_replay.py scenarios/heldout --provider fake             # learned gate
    python bench/gate_replay.py scenarios/heldout --provider fake --gate threshold
    python bench/gate_replay.py scenarios/heldout --provider local --gguf PATH  # routes once, then cached
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.fake_model import test_model_reply  # noqa: E402
from agents.document_titles import titled_action  # noqa: E402
from agents.llm import LLM  # noqa: E402
from agents.router import FeedbackRouterAgent, TurnEvidence  # noqa: E402
from agents.settings import ModelSettings  # noqa: E402
from memory.consult import LessonMemory  # noqa: E402
from memory.embedding import MiniLMEmbedder  # noqa: E402
from memory.gate import GateSettings  # noqa: E402
from memory.records import Component, Lesson  # noqa: E402
from memory.scoping import add_negative_example, screen_near_misses  # noqa: E402
from memory.store import MemoryStore  # noqa: E402
from workflows.turn.model_checks import gate_with_checks  # noqa: E402

try:  # the layout after the workflows refactor, then before it
    from workflows.evaluation.scenarios import Scenario, load_scenarios  # type: ignore  # noqa: E402
except ImportError:
    from workflows.scenarios import Scenario, load_scenarios  # noqa: E402

# the router's lessons, cached per provider; ALHF_GATE_LESSONS=DIR routes afresh into another folder (a router change)
CACHE = Path(os.environ.get("ALHF_GATE_LESSONS") or Path(__file__).parent / "results" / "gate-lessons")


@dataclass
class Candidate:
    """One (request, lesson) pair the gate saw at a scored step."""

    scenario: str
    step: str
    component: str
    feedback_id: str
    signals: dict[str, float]
    label: bool
    passed: bool
    borderline: bool


@dataclass
class Replay:
    candidates: list[Candidate] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)  # per scored step: required, applied, checked
    routed: list[bool] = field(default_factory=list)
    gate_ms: list[float] = field(default_factory=list)  # per turn: all three components' search + gate

    def metrics(self) -> dict:
        required = sum(len(s["required"]) for s in self.steps)
        hit = sum(len(set(s["required"]) & set(s["applied"])) for s in self.steps)
        injected = sum(bool(set(s["applied"]) - set(s["required"])) for s in self.steps)
        checked = sum(s["checked"] for s in self.steps)
        data_checked = sum(s.get("data_checked", False) for s in self.steps)
        ms = sorted(self.gate_ms)
        return {
            "routing_accuracy": round(sum(self.routed) / len(self.routed), 4) if self.routed else None,
            "lesson_recall": round(hit / required, 4) if required else None,
            "false_injection_rate": round(injected / len(self.steps), 4) if self.steps else None,
            "borderline_turn_share": round(checked / len(self.steps), 4) if self.steps else None,
            "data_check_turn_share": round(data_checked / len(self.steps), 4) if self.steps else None,
            "gate_ms_p95": round(ms[int(0.95 * (len(ms) - 1))], 2) if ms else None,
            "counts": {"required": required, "recalled": hit, "steps": len(self.steps), "injected": injected,
                       "borderline_turns": checked, "data_check_turns": data_checked, "feedback": len(self.routed)},
        }


def build_llm(provider: str, gguf: Path | None) -> LLM:
    settings = ModelSettings(provider=provider, gguf_path=gguf) if provider == "local" else ModelSettings(provider=provider)
    return LLM(settings, Path(tempfile.gettempdir()), script=test_model_reply if provider == "fake" else None)


def cache_path(provider: str, scenario: Scenario, step) -> Path:
    feedback = step.feedback
    key = hashlib.sha1(json.dumps([provider, scenario.name, step.ask, feedback.text]).encode()).hexdigest()[:16]
    return CACHE / provider / f"{scenario.name}-{feedback.id}-{key}.json"


def fully_cached(provider: str, scenario: Scenario) -> bool:
    return all(cache_path(provider, scenario, step).is_file() for step in scenario.steps
               if step.feedback is not None and not step.feedback.quarantine)


def cached_lessons(provider: str, scenario: Scenario, step) -> list[Lesson] | None:
    """The lessons the router wrote for this step's feedback, if its routing is cached."""
    path = cache_path(provider, scenario, step)
    return [Lesson.model_validate(item) for item in json.loads(path.read_text())["lessons"]] if path.is_file() else None


def with_titled_documents(lesson: Lesson, correction: str, titles: dict[str, str]) -> Lesson:
    """A cached retriever lesson with no documents takes those its correction names by title, as the router now
    does when the model names none."""
    if lesson.component is not Component.RETRIEVER:
        return lesson
    return lesson.model_copy(update={"action": titled_action(lesson.action, correction, titles)})


def route_cached(router: FeedbackRouterAgent, provider: str, scenario: Scenario, step) -> tuple[list[Lesson], bool]:
    feedback = step.feedback
    lessons = cached_lessons(provider, scenario, step)
    if lessons is not None:  # routed before the router read titles: as it would now (agents/document_titles.py)
        lessons = [with_titled_documents(lesson, feedback.text, router.titles) for lesson in lessons]
    if lessons is None:
        routing = router.route(feedback.text, TurnEvidence(request=step.ask), author="eval", feedback_id=feedback.id)
        lessons = routing.lessons
        path = cache_path(provider, scenario, step)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"lessons": [lesson.model_dump(mode="json") for lesson in lessons]}, indent=1))
    routed = sorted(lesson.component.value for lesson in lessons)
    expected = sorted(c.value for c in feedback.component or [])
    return lessons, routed == expected


def replay(scenarios: list[Scenario], *, provider: str, gguf: Path | None, embedder, settings: GateSettings,
           second_stage: bool = False, screen: bool = True, judge: str | None = None,
           data_near_misses: bool = False) -> Replay:
    """`judge`: the provider of the borderline check (default: the router's); `data_near_misses`: data lessons keep
    the router's near misses (the screen before 2026-11-25)."""
    llm = build_llm(provider, gguf)
    judge_llm = build_llm(judge, gguf) if judge and judge != provider else llm
    result = Replay()
    for scenario in scenarios:
        workspace = scenario.workspace()
        with tempfile.TemporaryDirectory() as tmp:
            registry = workspace.tool_registry(Path(tmp))
            data = {tool.name: tool.data_sources() for tool in registry.tools.values() if tool.data_sources is not None}
        router = FeedbackRouterAgent(llm, [d.id for d in workspace.corpus], registry.names(), registry.data_names(),
                                     titles={d.id: d.title for d in workspace.corpus})
        # the checks the settings ask for, as the product builds them (none with the fake model)
        gate = gate_with_checks(settings.model_copy(update={"second_stage": "model" if second_stage else "off"}), judge_llm)
        store = MemoryStore.open(":memory:", embedder=embedder)
        store.replace_corpus(workspace.corpus)  # as the eval does: the retriever's corpus, and the gate's grounding
        memory = LessonMemory(store, gate)
        for tool, sources in data.items():  # as the Assistant does
            memory.describe_data(tool, sources)
        for step in scenario.steps:
            vector = embedder.embed([step.ask])[0]
            applied: set[str] = set()
            before, before_data = gate.borderline_checks, gate.data_checks
            started = time.perf_counter()
            for component, consultation in memory.consult_many(Component, vector, user="eval", request=step.ask).items():
                for d in consultation.decisions:
                    fid = d.feedback_id or d.lesson_id
                    applied |= {fid} if d.passed else set()
                    if step.relevant is not None:
                        result.candidates.append(Candidate(  # in the band (an upper bound: vetoes are not excluded)
                            scenario.name, step.id, component.value, fid, d.signals, fid in step.relevant, d.passed,
                            gate.borderline(component, d.signals)))
            result.gate_ms.append((time.perf_counter() - started) * 1000)
            if step.relevant is not None:
                checked = gate.borderline_checks > before or any(
                    c.borderline for c in result.candidates if c.scenario == scenario.name and c.step == step.id)
                result.steps.append({"scenario": scenario.name, "step": step.id, "required": list(step.relevant),
                                     "applied": sorted(applied), "checked": checked,
                                     "data_checked": gate.data_checks > before_data})
            if step.feedback is not None and not step.feedback.quarantine:
                lessons, ok = route_cached(router, provider, scenario, step)
                if screen:
                    lessons = [screen_near_misses(lesson, embedder) if data_near_misses else memory.screen_near_misses(lesson)
                               for lesson in lessons]
                result.routed.append(ok)
                store.add_lessons(lessons)
            for feedback_id in getattr(step, "not_here", []) or []:
                for lesson in store.list_lessons():
                    if lesson.feedback_id == feedback_id:
                        add_negative_example(store, lesson.id, step.ask)
        store.close()
    return result


def load(folders: list[str]) -> list[Scenario]:
    return [scenario for folder in folders for _, scenario in load_scenarios(Path(folder))]


def embedder() -> MiniLMEmbedder:
    home = Path(os.environ.get("ALHF_HOME") or Path.home() / ".local/share/alhf")
    return MiniLMEmbedder(home / "models" / "minilm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--provider", default="fake", choices=["fake", "local"])
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--gate", default="learned", choices=["learned", "threshold"])
    parser.add_argument("--weights", type=Path, help="a weights file other than memory/gate_weights.json")
    parser.add_argument("--second-stage", action="store_true", help="run the model's yes/no check in the band")
    parser.add_argument("--judge", choices=["fake", "local"], help="who answers the borderline check (default: --provider)")
    parser.add_argument("--no-data-check", action="store_true", help="no data check (agents/data_question.py), the gate "
                        "before 2026-11-25; the fake model never runs it")
    parser.add_argument("--keep-data-near-misses", action="store_true", help="data lessons keep the router's near "
                        "misses (the screen before 2026-11-25)")
    parser.add_argument("--no-screen", action="store_true", help="keep every near miss the router wrote")
    parser.add_argument("--no-near-miss-rule", action="store_true", help="let the fitted model alone weigh near misses")
    parser.add_argument("--no-grounding", action="store_true", help="no document or data grounding (the gate before it)")
    parser.add_argument("--grounding-margin", type=float, help="document veto margin (1.0: no document veto)")
    parser.add_argument("--data-margin", type=float, help="data veto margin (1.0: no data veto)")
    parser.add_argument("--no-passages", action="store_true", help="a data lesson's nearest document by whole texts only "
                        "(the gate before 2026-12-07)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="any other gate setting (config.yaml memory.gate), e.g. --set message_floor=0.1")
    parser.add_argument("--steps", action="store_true", help="print every scored step")
    parser.add_argument("--dump", type=Path, help="write every scored candidate and step as JSON (bench/scope_judge_probe.py reads it)")
    args = parser.parse_args()
    margins = {key: value for key, value in (("grounding_margin", args.grounding_margin), ("data_margin", args.data_margin))
               if value is not None}
    settings = GateSettings(mode=args.gate, weights_path=args.weights, near_miss_rule=not args.no_near_miss_rule,
                            grounding=not args.no_grounding, data_check="off" if args.no_data_check else "model",
                            grounding_passages=not args.no_passages, **margins)
    try:
        settings = GateSettings.model_validate({**settings.model_dump(), **dict(item.split("=", 1) for item in args.set)})
    except ValueError as error:
        parser.error(f"--set: {error}")
    result = replay(load(args.folders), provider=args.provider, gguf=args.gguf, embedder=embedder(),
                    settings=settings, second_stage=args.second_stage, screen=not args.no_screen, judge=args.judge,
                    data_near_misses=args.keep_data_near_misses)
    if args.steps:
        for s in result.steps:
            mark = "ok" if set(s["applied"]) == set(s["required"]) else "XX"
            print(f"{mark} {s['scenario']}:{s['step']} required={s['required']} applied={s['applied']}")
        for c in result.candidates:
            print(f"   {c.scenario}:{c.step} {c.component} {c.feedback_id} label={c.label} passed={c.passed} {c.signals}")
    if args.dump:
        args.dump.write_text(json.dumps({"candidates": [vars(c) for c in result.candidates], "steps": result.steps}))
    print(json.dumps(result.metrics(), indent=1))


if __name__ == "__main__":
    main()
