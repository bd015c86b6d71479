"""Helpers every benchmark shares: percentiles, summaries, progress lines, the machine and package
versions recorded with each result, and a running `alhf serve` for the benchmarks that measure through it."""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

__all__ = ["pct", "summary", "timed", "log", "machine", "versions", "load_average", "api_token", "served"]


def pct(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


def summary(samples_ms: Sequence[float]) -> dict[str, float]:
    return {"n": len(samples_ms), "p50_ms": round(pct(samples_ms, 50), 3), "p95_ms": round(pct(samples_ms, 95), 3),
            "mean_ms": round(float(np.mean(samples_ms)), 3), "max_ms": round(float(np.max(samples_ms)), 3)}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (other users of a shared machine show here)."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    cpu = platform.processor()
    with contextlib.suppress(Exception):
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
            if line.startswith("Model name"):
                cpu = line.split(":", 1)[1].strip()
    return {"cpu": cpu, "nproc": os.cpu_count(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}


def versions() -> dict:
    from importlib.metadata import version
    out = {}
    for name in ("qdrant-client", "qdrant-edge-py", "fastembed", "onnxruntime", "autogen", "numpy"):
        with contextlib.suppress(Exception):
            out[name] = version(name)
    return out


def timed(fn, count: int) -> tuple[list[float], object]:
    samples, last = [], None
    for i in range(count):
        t0 = time.perf_counter()
        last = fn(i)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples, last


def api_token(config: Path, env: dict, *, role: str) -> str:
    """Adds the account `bench` with `role` and returns a new API token for it."""
    alhf = [sys.executable, "-m", "workflows"]
    subprocess.run([*alhf, "users", "add", "bench", "--role", role, "--password-stdin", "-c", str(config)],
                   input="bench-password-123\n", text=True, env=env, check=True, capture_output=True)
    return subprocess.run([*alhf, "users", "token", "bench", "-c", str(config)], text=True, env=env, check=True,
                          capture_output=True).stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def served(config: Path, env: dict) -> Iterator[int]:
    """`alhf serve` on a free port, started and waited for (its server.json under $ALHF_HOME), stopped after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "workflows", "serve", "--port", str(port), "-c", str(config)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not (Path(env["ALHF_HOME"]) / "server.json").is_file():
            assert server.poll() is None, "the server did not start"
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
