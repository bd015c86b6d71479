from pathlib import Path

from tests.helpers import FAKE, hashing_config, runner
from workflows.cli import app


def test_chat_with_a_scripted_terminal(tmp_path: Path):
    config = hashing_config(tmp_path)
    typed = "How long does express shipping take?\n\n/quit\n"
    result = runner.invoke(app, ["chat", "--mode", "terminate", "-c", str(config), *FAKE], input=typed)
    assert result.exit_code == 0, result.output
    assert "Writer -> answer" in result.output and "mode TERMINATE" in result.output
