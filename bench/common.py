"""Helpers every benchmark shares: percentiles, summaries, progress lines, and the machine and package
versions recorded with each result."""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
import subprocess
import sys
import time
from typing import Sequence

import numpy as np

__all__ = ["pct", "summary", "timed", "log", "machine", "versions", "load_average"]


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
