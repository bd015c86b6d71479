from pathlib import Path

import pytest

from tests.helpers import REPO, runner
from workflows.cli import app
from workflows.config import AppConfig, ConfigError, load_config


def test_repo_config_is_valid_and_matches_the_built_in_defaults():
    assert load_config(REPO / "config.yaml") == AppConfig()


def test_unknown_key_is_named(tmp_path: Path):
    bad = tmp_path / "c.yaml"
    bad.write_text("memory:\n  gate:\n    threshhold: 0.3\n")
    with pytest.raises(ConfigError, match="unknown key 'memory.gate.threshhold'"):
        load_config(bad)


def test_malformed_yaml_and_bad_values(tmp_path: Path):
    bad = tmp_path / "c.yaml"
    bad.write_text("model: [provider: local\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    bad.write_text("model:\n  provider: gpt5\n")
    with pytest.raises(ConfigError, match="model.provider"):
        load_config(bad)


def test_bad_config_exits_non_zero_with_the_key(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("modle: {}\n")
    result = runner.invoke(app, ["memory", "list", "-c", str(bad)])
    assert result.exit_code == 2 and "unknown key 'modle'" in result.output
