"""Figures a writer lesson asks a message to carry, worked out from the request (held-out v13, seen: "put the total
for their numbers next to a price per head", "the unit price too - per kg", "when the next one is due - six months
on" were applied and the drafts carried none of them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.derived_figures import derived_lines
from tests.agents.scripted_writer import compose_with

TOTALS = 'Whenever you quote a price per head, put the total for their numbers next to it - e.g. "16 a head, 1,520 for 95".'
UNIT = "Anything a customer sees with a price on packed food needs the unit price too - per kg, or per litre for liquids."
NEXT = "Every note after a visit should finish with when the next one is due - six months on, as month and year."


@pytest.mark.parametrize("correction, request_text, lines", [
    (TOTALS, "The canapés are 4.50 a head and they have 60 guests.", ["Total: 270.00 for 60 guests."]),
    (TOTALS, "The cheese board is 6 for each of the 140 people invited.", ["Total: 840 for 140 guests."]),
    (TOTALS, "Breakfast is 14 a person - 22 of them are staying.", ["Total: 308 for 22 guests."]),
    (TOTALS, "Breakfast is 14 a person.", []),  # no numbers to add up for
    (TOTALS, "The hog roast is 16 a head for 2027 weddings.", []),  # a year is no head count
    (UNIT, "Sign for the strawberry punnets: 400 g for 3.20.", ["8.00 per kg"]),
    (UNIT, "Chalkboard for the cream: 300 ml pots at 2.40.", ["8.00 per litre"]),
    (UNIT, "Sign for the honey.", []),
    (NEXT, "Email Mrs Abara that her piano was tuned on 18 August 2026.", ["Next one due: February 2027."]),
    ("Always sign off with the team's name.", "The canapés are 4.50 a head and they have 60 guests.", []),
])
def test_the_figures_a_correction_asks_for(correction: str, request_text: str, lines: list[str]) -> None:
    assert derived_lines(correction, request_text) == lines


def test_the_writer_adds_the_figure_a_draft_lacks(tmp_path: Path) -> None:
    request = "Let the Fairleys know the welcome drinks are 7.50 a head; they're expecting 85."
    answer, _, _ = compose_with(tmp_path, "Dear Fairleys, the welcome drinks are 7.50 a head.", request, TOTALS)
    assert answer.endswith("Total: 637.50 for 85 guests.")
    kept, _, _ = compose_with(tmp_path, "Dear Fairleys, 7.50 a head, 637.50 for your 85 guests.", request, TOTALS)
    assert kept == "Dear Fairleys, 7.50 a head, 637.50 for your 85 guests."  # the figure is there: nothing added
