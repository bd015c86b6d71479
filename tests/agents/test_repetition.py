"""A small model's loops leave the answer: a paragraph written again word for word, a sentence twice in a row, and
the half sentence its token budget cut (held-out v17: the first kennels answer held one paragraph five times)."""

from __future__ import annotations

from pathlib import Path

from agents.repetition import without_repeats
from tests.agents.scripted_writer import compose_with

PARAGRAPH = ("I wanted to let you know that Moss has settled in and is eating well. We phone the owner before any "
             "treatment over GBP 150 unless it is an emergency.")
LOOPED = f"Dear Mrs Garside,\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n\nI wanted to let you know that Moss"


def test_a_looped_paragraph_and_its_cut_tail_are_dropped():
    assert without_repeats(LOOPED) == (f"Dear Mrs Garside,\n\n{PARAGRAPH}", 3)


def test_what_repeats_on_purpose_stays():
    parallel = ("In May we did two full services. The total for them was EUR 45.00 in all.\n\n"
                "In June we did two full services. The total for them was EUR 45.00 in all.")
    listed = "Your kit:\n- 1 towel\n- 1 towel\n\nBest wishes,\nBest wishes,"  # short pieces
    unfinished = "Open daily from 9 to 5, and on Sundays\nfrom 10"  # a last line that repeats nothing
    for text in (parallel, listed, unfinished):
        assert without_repeats(text) == (text, 0)


def test_the_writer_drops_the_loop_and_says_so_in_the_trace(tmp_path: Path):
    answer, _, spans = compose_with(tmp_path, LOOPED, "Text Mrs Garside that Moss has settled in.", None)
    assert answer == f"Dear Mrs Garside,\n\n{PARAGRAPH}"
    [step] = [s for s in spans if s.name == "drop_repeats"]
    assert step.attributes["dropped"] == 3
