from __future__ import annotations

from pathlib import Path

from tests.helpers import SHIPPING_ROUTE, make_assistant, routing_script


def test_trust_falls_for_an_author_whose_lessons_keep_being_contradicted(tmp_path: Path):
    from workflows.traces.store import TraceStore

    assistant = make_assistant(tmp_path, script=routing_script(SHIPPING_ROUTE), threshold=0.3,
                               traces=TraceStore(tmp_path / "alhf.db"))
    turn = assistant.run_turn("How long does express shipping take?")
    assistant.learn("Say business days.", turn, author="mallory")
    trust = [assistant.memory.trust["mallory"]]
    for _ in range(5):  # her lesson is applied, and the writer is corrected again each time
        again = assistant.run_turn("How long does express shipping take?")
        assert any(l.author == "mallory" for l in again.applied) or trust[-1] < 0.3
        assistant.learn("Wrong again: say business days.", again, author="ana")
        trust.append(assistant.memory.trust["mallory"])
    assert trust == sorted(trust, reverse=True) and trust[-1] < 0.3
    final = assistant.run_turn("How long does express shipping take?")
    blocked = [d for d in final.decisions if d.author == "mallory"]
    assert blocked and not blocked[0].passed and "trust" in blocked[0].reason
