"""`alhf trace show` names what the new stages did: the formats applied, the rows added up, a correction rerouted."""

from workflows.cli.traces import _label


def test_a_span_shows_what_its_stage_changed():
    span = {"name": "apply_formats", "duration_ms": 0.1,
            "attributes": {"agent": "writer", "rules": ["date: day-month"], "changes": ["2025-04-30 -> 30 April 2025"]}}
    label = _label(span)
    assert "rules=['date: day-month']" in label and "changes=['2025-04-30 -> 30 April 2025']" in label
    assert "rerouted=['writer']" in _label({"name": "learn", "duration_ms": 1.0, "attributes": {"rerouted": ["writer"]}})
