"""The learned part of the relevance gate: the signals of one (request, lesson) pair and the fitted
logistic model that turns them into a probability that the lesson applies.

Signals, all cosine similarities of the request vector with the lesson's stored vectors:

- `trigger`: with the "applies to" description;
- `example`: the best example request (the source request first; "should have applied" adds more);
- `near_miss`: the best near miss (written by the router, or added by "not here" feedback), 0 if none;
- `closer_to_near_miss`: how much nearer the best near miss is than the best positive text (>= 0).

The weights are data (`memory/gate_weights.json`), produced by `bench/gate_fit.py` on the tuning
scenarios; the file records what it was fitted on.

    >>> import numpy as np
    >>> from memory.store import LessonVectors
    >>> r = np.array([1.0, 0.0], dtype=np.float32)
    >>> v = LessonVectors(np.array([0.8, 0.6], dtype=np.float32), np.zeros((0, 2)), np.array([[1.0, 0.0]]))
    >>> gate_signals(r, v, fallback_score=0.0)["closer_to_near_miss"]
    0.2
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from memory.errors import AlhfError
from memory.records import Component
from memory.store import LessonVectors

__all__ = ["SIGNALS", "GateWeights", "GateWeightsError", "gate_signals", "load_weights"]

SIGNALS = ("trigger", "example", "near_miss", "closer_to_near_miss")


class GateWeightsError(AlhfError):
    """The gate's weights file is missing or malformed."""


class GateWeights(BaseModel):
    """A logistic model over `SIGNALS`, with one intercept per component."""

    model_config = ConfigDict(extra="forbid")

    signals: list[str] = Field(default_factory=lambda: list(SIGNALS))
    weights: list[float]
    intercepts: dict[Component, float]
    metadata_bonus: float = Field(1.0, description="added to the logit when the lesson's tags match the request's metadata")
    fitted_on: list[str] = Field(default_factory=list, description="scenario files the weights were fitted on")
    pairs: int = Field(0, description="(request, lesson) pairs the fit used")
    produced_by: str = ""

    def logit(self, component: Component, signals: dict[str, float]) -> float:
        return self.intercepts.get(component, 0.0) + sum(
            w * signals.get(name, 0.0) for name, w in zip(self.signals, self.weights)
        )

    @staticmethod
    def probability(logit: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


def _best(matrix: np.ndarray, request: np.ndarray) -> float | None:
    return float(np.max(matrix @ request)) if len(matrix) else None


def gate_signals(request: np.ndarray, vectors: LessonVectors | None, *, fallback_score: float) -> dict[str, float]:
    """The signals for one lesson; without stored vectors the search score stands for both similarities."""
    if vectors is None or vectors.trigger is None:
        trigger = example = fallback_score
        near = None
    else:
        trigger = float(vectors.trigger @ request)
        example = _best(vectors.examples, request)
        example = trigger if example is None else example
        near = _best(vectors.near_misses, request)
    positive = max(trigger, example)
    near_miss = 0.0 if near is None else near
    return {
        "trigger": round(trigger, 4),
        "example": round(example, 4),
        "near_miss": round(near_miss, 4),
        "closer_to_near_miss": round(max(0.0, near_miss - positive), 4),
    }


def load_weights(path: Path | None = None) -> GateWeights:
    """The packaged weights, or a file of the same shape."""
    try:
        text = Path(path).read_text() if path else resources.files("memory").joinpath("gate_weights.json").read_text()
    except OSError as exc:
        raise GateWeightsError(f"Cannot read the gate weights {path}: {exc.strerror}; run bench/gate_fit.py to write them.") from None
    try:
        weights = GateWeights.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise GateWeightsError(f"The gate weights {path or 'memory/gate_weights.json'} are malformed ({exc.__class__.__name__}); "
                               "rerun bench/gate_fit.py.") from None
    if len(weights.weights) != len(weights.signals) or set(weights.signals) - set(SIGNALS):
        raise GateWeightsError(f"The gate weights name signals {weights.signals}; known: {', '.join(SIGNALS)}.")
    return weights
