"""Traces of turns (span trees in SQLite, OTLP export), handoff scoring, its report and LLM judges."""

from memory.lazy import lazy_exports

_EXPORTS = {
    "TraceStore": "workflows.traces.store", "OtlpExporter": "workflows.traces.otlp",
    "TurnSignals": "workflows.traces.handoffs", "heuristic_scores": "workflows.traces.handoffs",
    "handoff_report": "workflows.traces.report", "plot_handoffs": "workflows.traces.report",
    "judge_turns": "workflows.traces.judging",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
