"""One request through the team: the pipeline of agents, checkpoints, learning corrections, the chat session."""

from memory.lazy import lazy_exports

_EXPORTS = {
    "Assistant": "workflows.turn.assistant", "Pipeline": "workflows.turn.pipeline",
    "Correction": "workflows.turn.learning", "Learner": "workflows.turn.learning",
    "TurnResult": "workflows.turn.result", "Learned": "workflows.turn.result",
    "CorrectionRequest": "workflows.turn.result", "record_turn": "workflows.turn.recording",
    "ChatSession": "workflows.turn.session",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
