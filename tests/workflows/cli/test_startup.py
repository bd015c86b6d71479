"""`alhf --help` and the commands that only read their config start at once: no model, engine or numpy import."""

import json
import subprocess
import sys

HEAVY = ("numpy", "autogen", "qdrant_client", "qdrant_edge", "fastembed", "onnxruntime", "llama_cpp")

_PROBE = f"""
import json, sys
from workflows.cli import app
try:
    app(["--help"])
except SystemExit:
    pass
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_help_imports_no_model_engine_or_numpy():
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_loading_the_config_imports_no_model_engine_or_numpy(tmp_path):
    probe = ("import json, sys\nfrom workflows.config import load_config\nload_config(None)\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
