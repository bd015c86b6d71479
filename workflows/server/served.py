"""What a command does while `alhf serve` owns the data dir: it reads the lesson memory through the server
(memory.remote.RemoteBackend) and learns through it, as the account of its API token. The turn itself
(model, tools, traces in the shared SQLite database) runs in the command's own process."""

from __future__ import annotations

from dataclasses import asdict

from agents.answer_guard import GuardedAnswer
from agents.router import Routing, TurnEvidence
from memory.embedding import Embedder
from memory.remote import RemoteBackend
from memory.records import Lesson
from memory.scoping import ScopingChange
from memory.store import MemoryStore
from workflows.server.client import ServerClient
from workflows.turn.learning import Correction, Learner

__all__ = ["ServedLearner", "served_store", "LEARN_TIMEOUT_S"]

LEARN_TIMEOUT_S = 600.0  # the server routes a correction with its model: minutes on a busy 2-core machine


def served_store(client: ServerClient, embedder: Embedder) -> MemoryStore:
    """The server's lesson memory, read through its API (requests are embedded here)."""
    return MemoryStore(RemoteBackend(client.read_store, where=client.url), embedder)


class ServedLearner(Learner):
    """Sends corrections and scoping feedback to the server, which learns them under its governance as the
    token's account (the author named here is not trusted: the server uses the signed-in account)."""

    def __init__(self, learner: Learner, client: ServerClient) -> None:
        super().__init__(learner.router, learner.memory, learner.governance, traces=learner.traces,
                         after_learning=learner.after_learning, screens=learner.screens)
        self.client = client

    def learn(self, correction: Correction, evidence: TurnEvidence) -> Routing:
        reply = self.client.post("/api/learn", {"correction": correction.text, "evidence": asdict(evidence),
                                                "stage": correction.stage, "feedback_id": correction.feedback_id},
                                 timeout=LEARN_TIMEOUT_S)
        if self.after_learning is not None:
            self.after_learning()
        return Routing.from_json(reply["routing"])

    def quarantine(self, guarded: GuardedAnswer, *, turn_id: str | None = None) -> list[str]:
        reply = self.client.post("/api/quarantine", {"lesson_ids": guarded.culprits, "turn_id": turn_id,
                                                     "removed": [[r.kind, r.value] for r in guarded.removed]})
        return list(reply["held"])

    def not_here(self, lesson_ids: list[str], request: str, *, actor: str, turn_id: str | None = None
                 ) -> list[ScopingChange]:
        rows = self.client.post("/api/not-here", {"lesson_ids": lesson_ids, "request": request, "turn_id": turn_id},
                                timeout=LEARN_TIMEOUT_S)
        return [ScopingChange(r["lesson_id"], r["side"], r["request"], r["version_before"], r["version_after"],
                              Lesson.model_validate(r["lesson"])) for r in rows]
