"""The post-write check: does the answer follow each applied lesson and use the tool results?

Deterministic rules first: figures from a successful tool result must appear in the answer, a code-like
term a lesson forbids ("never WEEKOFYEAR()") must not, and one a writer lesson prescribes ("use
EXTRACT(...)") must. A lesson no rule covers gets an LLM verdict with a JSON schema, when model verdicts
are on (off with the fake model unless a test scripts them); otherwise it is listed as unchecked.

    >>> figures_in("We shipped 3 orders worth 1,400.50 EUR.")
    [3.0, 1400.5]
    >>> lesson_terms("Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().")
    (['EXTRACT'], ['WEEKOFYEAR'])
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from memory.records import Component, Lesson

from agents.correction_details import correction_details, example_phrases, example_value
from agents.english_words import NUMBER_WORDS
from agents.json_reply import parse_json_object
from agents.llm import LLM
from agents.model_agent import ModelAgent
from agents.tools import ToolResult

__all__ = ["Finding", "AnswerCheck", "AnswerChecker", "figures_in", "has_detail", "forbidden_details", "lesson_terms", "required_details",
           "required_figures", "verdict_reply"]

_VERDICT_SCHEMA = {
    "type": "object",
    "properties": {"follows": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["follows", "reason"],
}
SYSTEM = """You check whether an assistant's answer follows one piece of team guidance. Reply with JSON only: \
{"follows": true or false, "reason": "<one short sentence>"}. If the guidance does not concern this answer, \
it follows."""

_WORD_NUMBERS = {word: float(value) for value, word in enumerate(NUMBER_WORDS)}
_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\d])")
# a term a rule can test: a function name before "(", a quoted phrase, or an ALL-CAPS identifier
_TERM = r"""(?:([A-Za-z_]\w*)\s*\(|["'`]([^"'`]{2,60})["'`]|\b([A-Z][A-Z0-9_]{2,})\b)"""
# cue words in any case; the term itself case-sensitive, so "use the orders table" names no ALL-CAPS term
_FORBID = re.compile(rf"\b(?i:never|not|avoid|don't|do not|no|instead of|rather than)\s+"
                     rf"(?i:use\s+|using\s+|write\s+|say\s+|call\s+|mention\s+|the\s+)?{_TERM}")
_REQUIRE = re.compile(rf"\b(?i:use|using|write|prefer|always say)\s+(?i:the\s+)?{_TERM}")


@dataclass
class Finding:
    rule: str  # tool_figures | forbidden_term | required_term | required_detail | forbidden_detail | preferred_tool | model_verdict
    passed: bool
    reason: str
    lesson_id: str | None = None
    fixable: bool = True  # False: rewriting the answer cannot fix it (e.g. the preferred tool gave no result)


@dataclass
class AnswerCheck:
    findings: list[Finding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # lesson ids no rule or verdict covered

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def verdict(self) -> str:
        return "nothing checked" if not self.findings else "pass" if self.passed else "fail"

    @property
    def reason(self) -> str:
        return "; ".join(f.reason for f in self.findings if not f.passed)

    @property
    def fixable_reason(self) -> str:
        """What a new draft is asked to fix: the failed findings the writer can fix (telling a small model about a
        planner's guidance it cannot act on gets that guidance copied into the answer)."""
        return "; ".join(f.reason for f in self.findings if not f.passed and f.fixable)

    @property
    def writer_can_fix(self) -> bool:
        """A failed finding a new draft could fix (a missing tool result is the planner's, not the writer's)."""
        return any(not f.passed and f.fixable for f in self.findings)

    def attributes(self) -> dict[str, Any]:
        """What a trace span records."""
        return {"verdict": self.verdict, "reason": self.reason, "unchecked": self.unchecked,
                "findings": [{"rule": f.rule, "passed": f.passed, "lesson_id": f.lesson_id, "reason": f.reason,
                              "fixable": f.fixable}
                             for f in self.findings]}


def figures_in(text: str) -> list[float]:
    """Numbers written in `text` (digits with thousands separators, or the words zero..twelve)."""
    values = [float(m.group().replace(",", "")) for m in _NUMBER.finditer(text)]
    values += [_WORD_NUMBERS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _WORD_NUMBERS]
    return values


def _same_figure(written: float, value: float) -> bool:
    return abs(written - value) < 0.01 or abs(written - value) <= 0.005 * abs(value) or (
        written == round(written) and written == round(value))


def required_figures(results: list[ToolResult]) -> tuple[list[float], bool]:
    """Figures the answer must carry, and whether all are needed (a few values) or any one (a table)."""
    values = []
    for result in results:
        cells = [cell for row in result.rows for cell in row] if result.tool == "sql" else [result.output.strip()]
        for cell in cells:
            if re.fullmatch(r"-?\d+(?:\.\d+)?", cell):
                values.append(float(cell))
    return values, len(values) <= 3


def lesson_terms(text: str) -> tuple[list[str], list[str]]:
    """(terms the lesson prescribes, terms it forbids), only the code-like ones a rule can test."""
    def term(match: re.Match[str]) -> str:
        return next(group for group in match.groups() if group)

    forbidden = [term(m) for m in _FORBID.finditer(text)]
    # a date or time it quotes shows a form ("using 'Friday 13 June'"): the answer writes its own dates that way
    required = [term(m) for m in _REQUIRE.finditer(text) if term(m) not in forbidden and not example_value(term(m))]
    return list(dict.fromkeys(required)), list(dict.fromkeys(forbidden))


def required_details(lesson: Lesson) -> list[str]:
    """Phrases (quoted, tags, a literal sign-off line) and phone-like numbers (6+ digits) the person's
    correction asks for, not those it forbids (`agents.correction_details`).

        >>> required_details(Lesson(component="writer", trigger="t", text="Sign off politely.",
        ...     feedback_text='Too stern. Sign off with "Help Desk, ext. 4410" and never write "Dear user".'))
        ['Help Desk, ext. 4410']
    """
    examples = example_phrases(lesson.feedback_text, lesson.source_request)
    return [d.text for d in correction_details(lesson.feedback_text)
            if not d.forbidden and (d.kind == "phrase" or d.digits >= 6) and d.text not in examples
            and not example_value(d.text)]


def forbidden_details(lesson: Lesson) -> list[str]:
    """Quoted phrases the person's correction forbids ("never use the word 'refuse'").

        >>> forbidden_details(Lesson(component="writer", trigger="t", text="Say rubbish.",
        ...     feedback_text="Never use the word 'refuse'; say rubbish."))
        ['refuse']
    """
    return [d.text for d in correction_details(lesson.feedback_text) if d.forbidden and d.kind == "phrase"]


def has_detail(answer: str, detail: str) -> bool:
    """The detail in the answer, ignoring case, spacing and, for a number, its separators."""
    if re.fullmatch(r"[\d \-./()+]+", detail):
        digits = re.sub(r"\D", "", detail)
        return any(re.sub(r"\D", "", run) .endswith(digits) for run in re.findall(r"[\d][\d \-./()]*", answer))
    flat = lambda text: " ".join(re.findall(r"\w+", text.lower()))  # noqa: E731
    return flat(detail) in flat(answer)


def _contains(answer: str, term: str) -> bool:
    if re.fullmatch(r"\w+", term):
        return re.search(rf"\b{re.escape(term)}\b", answer, re.I) is not None
    return term.lower() in answer.lower()


_QUOTED = re.compile(r"[\"\u201c\u2018][^\"\u201d\u2019]{2,120}[\"\u201d\u2019]|(?<!\w)'[^']{2,120}'(?!\w)")
_ECHO_WORDS = 10  # this many words in a row, outside quotes, that the request does not have


def _words(text: str) -> list[str]:
    """Lower-case words, with a marker where a quote was left out (no run of words spans it)."""
    return re.findall(r"[a-z0-9]+|\x00", _QUOTED.sub(" \x00 ", text.lower()))


def _word_runs(text: str, size: int) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1) if "\x00" not in words[i:i + size]}


def echoes_guidance(answer: str, lesson: Lesson, request: str = "") -> bool:
    """Whether the answer is mostly a copy of the lesson's text or its correction: half its words are in runs of
    ten in a row that are theirs, leaving out what they quote (a line every answer must carry is quoted) and what
    the request says itself. An answer that states the rule's sentence among its own words is not: of 1,348
    recorded answers of the held-out runs with a lesson applied, this finds 4, each only the correction handed
    back, and no answer that passed.

        >>> lesson = Lesson(component=Component.TOOL_PLANNER, trigger="counting players",
        ...                 text="Leave status = 'dep' out whenever you count our players or a section of the band.")
        >>> echoes_guidance("Leave status = 'dep' out whenever you count our players or a section of the band.", lesson)
        True
        >>> echoes_guidance("Callum Reid has put in the most: 380 pounds.", lesson)
        False
    """
    said = set()
    for text in (lesson.text, lesson.feedback_text or ""):
        said |= _word_runs(text, _ECHO_WORDS)
    said -= _word_runs(request, _ECHO_WORDS)
    words = _words(answer)
    copied: set[int] = set()
    for i in range(len(words) - _ECHO_WORDS + 1):
        if tuple(words[i:i + _ECHO_WORDS]) in said:
            copied.update(range(i, i + _ECHO_WORDS))
    return bool(words) and len(copied) >= len(words) / 2


def echoes_request(answer: str, request: str) -> bool:
    """Whether the answer is the request handed back: it opens with the request's first words, every word of it is
    the request's, and it has most of them
    (held-out v8 and v17: "Draft an Instagram caption about Saturday's piano: we carried a grand ..." answered with
    that very sentence; 4 of 2,185 recorded local answers).

        >>> echoes_request("Draft an Instagram caption about our piano move.",
        ...                "Draft an Instagram caption about our piano move.")
        True
        >>> echoes_request("We carried a grand piano down the steps without a scratch!",
        ...                "Draft a caption: we carried a grand piano down the steps without a scratch.")
        False
    """
    said, asked = re.findall(r"\w+", answer.lower()), re.findall(r"\w+", request.lower())
    return len(said) >= 4 and said[:4] == asked[:4] and set(said) <= set(asked) and len(said) >= 0.8 * len(asked)


class AnswerChecker(ModelAgent):
    """Checks one answer; `model_verdicts` (default: on for real models) asks the LLM about the lessons
    no deterministic rule covers."""

    def __init__(self, llm: LLM, *, model_verdicts: bool | None = None) -> None:
        super().__init__(name="answer_check", system_message=SYSTEM, human_input_mode="NEVER",
                         llm_config=llm.llm_config("answer_check", json_schema=_VERDICT_SCHEMA),
                         description="Checks an answer against the applied lessons and the tool results.")
        llm.attach(self)
        self.model_verdicts = (not llm.is_fake) if model_verdicts is None else model_verdicts

    def check(self, request: str, answer: str, results: list[ToolResult], lessons: list[Lesson]) -> AnswerCheck:
        outcome = AnswerCheck()
        copied = next((lesson for lesson in lessons if echoes_guidance(answer, lesson, request)), None)
        if copied is not None:  # a small model sometimes hands back the guidance it was given as its answer
            outcome.findings.append(Finding("echoed_guidance", False, (
                "the answer repeats the team guidance instead of answering the request; answer the request itself, "
                "following the guidance"), copied.id))
        if not results and echoes_request(answer, request):  # a small writer hands the request back as its text
            outcome.findings.append(Finding("echoed_request", False, (
                "the answer only repeats the request; write what the request asks for (the message, caption or "
                "answer itself), in our voice")))
        figures, need_all = required_figures(results)
        if figures:
            written = figures_in(answer)
            missing = [v for v in figures if not any(_same_figure(w, v) for w in written)]
            passed = not missing if need_all else len(missing) < len(figures)
            outcome.findings.append(Finding("tool_figures", passed, "" if passed else (
                "the answer does not state the tool result's figures "
                f"({', '.join(f'{v:g}' for v in missing)}); use the tool result, not the documents")))
        for lesson in lessons:
            covered = False
            preferred = set(lesson.action.prefer_tools) if lesson.component is Component.TOOL_PLANNER else set()
            if preferred:  # a tool lesson is followed when its tool's result reached the writer
                covered = True
                used = any(r.tool in preferred for r in results)
                outcome.findings.append(Finding("preferred_tool", used, "" if used else (
                    f"no result of {', '.join(sorted(preferred))} reached the answer, as the guidance "
                    f'"{lesson.text}" asks'), lesson.id, fixable=False))
            required, forbidden = lesson_terms(lesson.text)
            for term in forbidden:
                covered = True
                present = _contains(answer, term)
                outcome.findings.append(Finding("forbidden_term", not present, (
                    f'the answer uses {term}, which the guidance "{lesson.text}" forbids') if present else "", lesson.id))
            if lesson.component is Component.WRITER:
                for detail in forbidden_details(lesson):
                    if detail in forbidden:
                        continue
                    covered = True
                    present = _contains(answer, detail)
                    outcome.findings.append(Finding("forbidden_detail", not present, (
                        f'the answer uses "{detail}", which the person said not to use: '
                        f'"{" ".join(lesson.feedback_text.split())}"') if present else "", lesson.id))
                for detail in required_details(lesson):
                    covered = True
                    present = has_detail(answer, detail)
                    outcome.findings.append(Finding("required_detail", present, "" if present else (
                        f'the answer does not include "{detail}", which the person asked for: '
                        f'"{" ".join(lesson.feedback_text.split())}"'), lesson.id))
                for term in required:
                    covered = True
                    present = _contains(answer, term)
                    outcome.findings.append(Finding("required_term", present, "" if present else (
                        f'the answer does not use {term}, as the guidance "{lesson.text}" says'), lesson.id))
            if covered:
                continue
            verdict = self._model_verdict(request, answer, results, lesson) if self.model_verdicts else None
            if verdict is None:
                outcome.unchecked.append(lesson.id)
            else:
                outcome.findings.append(verdict)
        return outcome

    def _model_verdict(self, request: str, answer: str, results: list[ToolResult], lesson: Lesson) -> Finding | None:
        tools = "; ".join(f"{r.tool}({json.dumps(r.arguments)[:300]}) -> {r.output[:200]}" for r in results) or "none"
        prompt = (f'GUIDANCE: "{lesson.text}"\nREQUEST: {request}\nTOOLS THAT PRODUCED THE DATA: {tools}\n'
                  f"ANSWER: {answer[:1500]}")
        data = parse_json_object(self.complete([{"role": "user", "content": prompt}])) or {}
        follows = data.get("follows")
        if not isinstance(follows, bool):
            return None
        why = str(data.get("reason") or "").strip()[:300]
        reason = "" if follows else f'the answer does not follow the guidance "{lesson.text}"' + (f": {why}" if why else "")
        return Finding("model_verdict", follows, reason, lesson.id)


def verdict_reply(follows: bool, reason: str = "") -> str:
    """A scripted verdict, for tests that script the checker's model."""
    return json.dumps({"follows": follows, "reason": reason})
