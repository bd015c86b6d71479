from pathlib import Path

from agents.tools import ToolRegistry, calculator_tool
from workflows.workspace import load_workspace


def test_sql_tool_is_read_only(tmp_path: Path):
    registry = load_workspace(None).tool_registry(tmp_path)
    ok = registry.call("sql", {"query": "SELECT SUM(amount) FROM orders WHERE region = 'EU'"})
    assert ok.ok and "630.0" in ok.output
    for statement in ("DELETE FROM orders", "SELECT 1; DROP TABLE orders", "UPDATE orders SET amount = 0"):
        result = registry.call("sql", {"query": statement})
        assert not result.ok
    assert registry.call("sql", {"query": "SELECT COUNT(*) FROM orders"}).output.endswith("6")
    assert not registry.call("shell", {"cmd": "rm -rf /"}).ok


def test_calculator_and_user_functions():
    registry = ToolRegistry()
    registry.add(calculator_tool())
    assert registry.call("calculator", {"expression": "(120 + 200) * 2"}).output == "640"
    assert not registry.call("calculator", {"expression": "__import__('os')"}).ok

    def vat(amount):
        """Add 20% VAT to an amount."""
        return round(float(amount) * 1.2, 2)

    tool = registry.register_function(vat)
    assert tool.description == "Add 20% VAT to an amount."
    assert registry.call("vat", {"amount": "100"}).output == "120.0"
