import pytest

from memory.errors import UnknownComponentError
from memory.records import Component, parse_component


def test_unknown_component_names_the_valid_ones():
    assert parse_component("Tool-Planner") is Component.TOOL_PLANNER
    with pytest.raises(UnknownComponentError, match="retriever, tool_planner, writer"):
        parse_component("summarizer")
