"""What a writer lesson keeps out of a message, taken out of the draft (held-out v12, seen: a sponsor credit taught
"Never put prices, offers, discounts or "call now" in it" still carried "two cocktails for GBP 12"; a text taught
'no "dB" figures' still said "a 30 dB loss")."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.kept_out import KeptOut, kept_out_kinds, without_kept_out
from tests.agents.scripted_writer import compose_with

CREDIT_RULE = ('A sponsor credit that goes out on air can\'t sell. Never put prices, offers, discounts or "call now" in it '
               '- only who supports the show and what they do. An email to the sponsor can talk money.')


@pytest.mark.parametrize("correction, kinds, units", [
    (CREDIT_RULE, {"money", "offer"}, ()),
    ("Leave out any discounts when you write to the press.", {"offer"}, ()),
    ("No prices in the newsletter - link to the price card.", {"money"}, ()),
    ('Plain words for patients, and no "dB" figures - describe it.', set(), ("dB",)),
    ("Never send a net price or '+ VAT'.", set(), ()),  # a kind of price, not prices
    ("Prices go with the euro sign in front.", set(), ()),  # a form, not a ban
    ("No prices without VAT, and never amounts in euros.", set(), ()),  # rules of form too
    ("The bakers' lists don't need this, there's no money on them.", set(), ()),  # says what is
    ("Don't mention the deposit until they book.", set(), ()),  # not a kind this module knows
])
def test_the_kinds_a_correction_keeps_out(correction: str, kinds: set[str], units: tuple[str, ...]) -> None:
    found = kept_out_kinds(correction)
    assert set(found.kinds) == kinds and found.units == units


def test_trailing_clauses_go_and_sentences_about_the_kind_go_whole() -> None:
    kept = kept_out_kinds(CREDIT_RULE)
    text, removed = without_kept_out(
        "Subject: Bikes serviced from GBP 25\n\nNight Jazz is supported by The Lantern Wine Bar, offering two cocktails "
        "for GBP 12 every Thursday. The Lantern is on Quay Street. You get 15% off with this read.", kept,
        "Write the read for Night Jazz's supporter.")
    assert text == "Night Jazz is supported by The Lantern Wine Bar. The Lantern is on Quay Street."
    assert len(removed) == 3


def test_a_request_that_asks_the_price_keeps_it_and_nothing_is_emptied() -> None:
    kept = kept_out_kinds(CREDIT_RULE)
    assert without_kept_out("A 30-second credit is GBP 40 a week.", kept, "How much is a sponsor credit?") == (
        "A 30-second credit is GBP 40 a week.", [])
    assert without_kept_out("GBP 40.", kept, "Write the credit.") == ("GBP 40.", [])  # all of it: left as is
    assert without_kept_out("GBP 40.", KeptOut(), "x") == ("GBP 40.", [])


def test_figures_in_a_kept_out_unit_go_alone() -> None:
    kept = kept_out_kinds('Write it in plain words, and no "dB" figures.')
    assert without_kept_out("The test showed a 30 dB loss in both ears and 25dB on the left.", kept) == (
        "The test showed a loss in both ears and on the left.", ["30 dB", "25dB"])


def test_the_writer_takes_them_out_and_traces_it(tmp_path: Path) -> None:
    draft = "Night Jazz is supported by The Lantern Wine Bar, offering two cocktails for GBP 12 every Thursday."
    answer, _, spans = compose_with(tmp_path, draft, "Draft the sponsor mention for Night Jazz from The Lantern.",
                                    CREDIT_RULE)
    assert answer == "Night Jazz is supported by The Lantern Wine Bar."
    assert any(s.name == "kept_out" and s.attributes["kinds"] == ["money", "offer"] for s in spans)
    untaught, _, _ = compose_with(tmp_path, draft, "Draft the sponsor mention for Night Jazz.", None)
    assert untaught == draft


def test_a_lesson_that_keeps_addresses_out_says_your_address_instead():
    """Held-out v14, locksmith (seen): "Take the address out. We never put where someone lives in a text"."""
    kept = kept_out_kinds("Take the address out. We never put where someone lives in a text or email.")
    assert kept.kinds == frozenset({"address"})
    draft = "Subject: Visit at 27 Mill Brow\nDeclan can come to Flat 2, 18 Kiln Street on Tuesday at 2pm."
    assert without_kept_out(draft, kept, "Let Mr Pryce know Declan can come on Tuesday.")[0] == \
        "Subject: Visit at your address\nDeclan can come to your address on Tuesday at 2pm."
    # asked for, it stays; a correction that gives the team's own address keeps nothing out
    assert without_kept_out(draft, kept, "What is Mr Pryce's address?")[0] == draft
    assert not kept_out_kinds("Always end with the shop's address: 4 Bank Street.")


def test_name_the_town_only_keeps_the_town_and_drops_the_street():
    kept = kept_out_kinds("When we post about a job online, name the town only - never the house number or the road.")
    assert kept.kinds == frozenset({"street"})
    text, removed = without_kept_out("We carried a grand down the steps of 3 Quay Terrace, Polmarrow, without a scratch.",
                                     kept, "Draft a post about Saturday's piano.")
    assert "Quay Terrace" not in text and "Polmarrow" in text and removed == ["3 Quay Terrace, Polmarrow"]
    assert without_kept_out("We cleared the loft at 12 Mill Lane today.", kept, "Post about it.")[0] == \
        "We cleared the loft at the customer's home today."
