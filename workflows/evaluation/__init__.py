"""Measuring learning: scenario files, running them with memory on and off, metrics, the report folder."""

from memory.lazy import lazy_exports

_EXPORTS = {
    "Scenario": "workflows.evaluation.scenarios", "load_scenarios": "workflows.evaluation.scenarios",
    "run_scenario": "workflows.evaluation.runner", "run_scenarios": "workflows.evaluation.runner",
    "METRICS": "workflows.evaluation.metrics", "metrics": "workflows.evaluation.metrics",
    "report": "workflows.evaluation.metrics", "write_report_folder": "workflows.evaluation.report",
    "compare": "workflows.evaluation.report",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
