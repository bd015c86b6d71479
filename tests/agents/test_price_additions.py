"""A percentage the team adds to every price (held-out v11, seen: "Our figures are net, so add the 20% VAT and
write it as "EUR 48.00 incl. VAT"" was applied, and the e-mails still sent EUR 42, EUR 65 and EUR 36)."""

from __future__ import annotations

from pathlib import Path

from agents.price_additions import surcharge, totals, with_surcharge
from tests.agents.scripted_writer import compose_with

CORRECTION = ('Prices to customers must include VAT and say so. Our figures are net, so add the 20% VAT and write it '
              'as "EUR 48.00 incl. VAT". Never send a net price or "+ VAT".')


def test_only_a_correction_that_adds_a_percentage_gives_a_rule():
    rule = surcharge(CORRECTION)
    assert rule is not None and (rule.percent, rule.label, rule.suffix) == (20.0, "VAT", "incl. VAT")
    assert surcharge("Add the 12.5% service charge to every bill.").suffix == "incl. service charge"
    for other in ("Never add the 20% VAT: our prices already include it.", "Amounts go like EUR 125.00.", ""):
        assert surcharge(other) is None


def test_the_requests_amounts_get_their_totals_and_inclusive_ones_are_left():
    rule = surcharge(CORRECTION)
    assert totals(rule, "Tell Lena she owes us 65 euros; the frame was EUR 30 incl. VAT.") == [(65.0, 78.0, "EUR")]
    text, changes = with_surcharge("You owe us EUR 78. The frame was 65 euros.", [(65.0, 78.0, "EUR")], rule)
    assert text == "You owe us EUR 78 incl. VAT. The frame was EUR 78.00 incl. VAT."
    assert len(changes) == 2
    assert with_surcharge("EUR 78.00 incl. VAT", [(65.0, 78.0, "EUR")], rule) == ("EUR 78.00 incl. VAT", [])


def test_the_writer_sends_the_total_and_says_so(tmp_path: Path):
    draft = "Dear Brightwell Architects,\n\nYour 30 site-plan prints are ready and come to EUR 42 + VAT.\n\nPrint Hub"
    text, seen, spans = compose_with(tmp_path, draft, "Email Brightwell Architects that their 30 site-plan prints are "
                                     "ready and come to EUR 42.", CORRECTION)
    assert "come to EUR 50.40 incl. VAT." in text and "+ VAT" not in text
    assert "EUR 42 comes to EUR 50.40 incl. VAT" in seen[0]
    [step] = [s for s in spans if s.name == "add_surcharge"]
    assert step.attributes["changes"] == ["EUR 42 + VAT -> EUR 50.40 incl. VAT"]


def test_the_teams_document_prices_are_net_too_unless_they_say_otherwise():
    rule = surcharge(CORRECTION)
    prices = "Price list v3. All prices are net, excluding 20% VAT. Business cards: 250 for EUR 29."
    assert totals(rule, "Reply to Jamal: what would 250 business cards cost?", [prices]) == [(29.0, 34.8, "EUR")]
    assert totals(rule, "Reply to Jamal.", ["Gift cards. All prices include VAT. A card is EUR 25."]) == []
    text, _ = with_surcharge("250 business cards cost EUR 29.", totals(rule, "", [prices]), rule)
    assert text == "250 business cards cost EUR 34.80 incl. VAT."
