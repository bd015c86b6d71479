"""A message keeps out the people a writer lesson says not to name (held-out v11, seen: "Never tell a plot holder
who complained ... say "a fellow member has raised..." instead" was applied, and every letter still named the
complainant the request gave)."""

from __future__ import annotations

from pathlib import Path

from agents.named_people import names_kept_out, third_parties, without_names
from tests.agents.scripted_writer import compose_with

CORRECTION = ('Never tell a plot holder who complained, and don\'t name other members in letters - say "a fellow '
              'member has raised..." instead. Committee minutes can name people.')


def test_only_corrections_that_keep_people_out_give_a_stand_in():
    assert names_kept_out(CORRECTION) == "a fellow member"
    assert names_kept_out("Keep the person who reported it anonymous.") == "someone"
    for other in ('Every message ends with "The Ashby team".', "Name the teacher in every lesson reminder.",
                  "Never write dates as 04/10; say 'Saturday 4 October'.", ""):
        assert names_kept_out(other) is None


def test_the_people_beside_the_addressee_are_the_ones_kept_out():
    assert third_parties("Write to Agnes Varga (plot C3) that Tom Ellery has complained her pumpkins shade his beds.") \
        == ["Tom Ellery"]
    assert third_parties("Let Jo Whitaker know that, according to Freya Lind, Jo's bindweed spreads.") == ["Freya Lind"]
    assert third_parties("How many hours did Freya Lind work in June?") == []  # no message to anyone
    assert third_parties("Email Ms Lund that Saturday's 8:15 sailing boards from berth 2.") == []


def test_every_mention_goes_first_name_and_surname_alone_too():
    text, replaced = without_names("Tom Ellery says the pumpkins shade his beds; Mr Ellery asked twice. Tom's beds.",
                                   ["Tom Ellery"], "a fellow member")
    assert "Tom" not in text and "Ellery" not in text
    assert text == "A fellow member says the pumpkins shade his beds; a fellow member asked twice. A fellow member's beds."
    assert replaced == ["Tom Ellery", "Tom", "Ellery"]


def test_the_writer_drafts_without_the_complainant_and_traces_it(tmp_path: Path):
    draft = "Dear Luis Duarte,\n\nRosa Fenwick reported that your hose ran all night on Tuesday.\n\nThe committee"
    request = "Email Luis Duarte (plot B1): Rosa Fenwick reported that his hose was left running overnight on Tuesday."
    text, seen, spans = compose_with(tmp_path, draft, request, CORRECTION)
    assert "Rosa" not in text and "Fenwick" not in text
    assert text.startswith("Dear Luis Duarte,\n\nA fellow member reported that your hose")
    assert 'do not name Rosa Fenwick; write "a fellow member" instead' in seen[0]
    [step] = [s for s in spans if s.name == "names_kept_out"]
    assert step.attributes["replaced"] == ["Rosa Fenwick"]
    # without the lesson the names stay: the request is the user's to word
    assert "Rosa Fenwick" in compose_with(tmp_path, draft, request, None)[0]


def test_first_names_said_of_a_person_are_kept_out_too():
    """Held-out v13 (seen): "don't tell one member about another's work or put their name in it" was applied, and
    "Tomasz's big platters" and "Ines, who booked it first" reached the message: first names alone, which the
    full-name reader did not see, nor an addressee by first name ("Message Kofi")."""
    from agents.named_people import names_kept_out, third_parties, without_names

    correction = "Please don't tell one member about another's work or put their name in it."
    assert names_kept_out(correction) == "someone"
    others = third_parties("Message Kofi: his glaze load got pushed back because Tomasz's big platters took the room.")
    assert others == ["Tomasz"]
    assert without_names("Hi Kofi, Tomasz's platters took the room.", others, "someone")[0] == \
        "Hi Kofi, someone's platters took the room."
    assert third_parties("Text Olive that the wheel has gone to Ines, who booked it first.") == ["Ines"]
    assert third_parties("Text Olive that the Steinway is tuned.") == []  # a brand is no person here
