"""Documents a correction names by title, and which way it says (agents/document_titles.py)."""

import pytest

from agents.document_titles import NamedDocuments, documents_named, titled_action
from memory.records import LessonAction

LICENCES = {
    "licence-2019": "Premises licence (granted 2019)",
    "licence-2026": "Premises licence as varied by the council, 14 May 2026 (replaces the 2019 licence)",
    "menu": "Catering menu 2026",
    "cottages": "Guest cottages",
}
HANDBOOKS = {
    "draft": "Volunteer handbook - draft (superseded by the version the board adopted in June 2026)",
    "adopted": "Volunteer handbook (adopted by the board, June 2026; replaces the draft)",
    "studio": "Booking the studio",
}
CARDS = {
    "card-2024": "Price card (printed 2024)",
    "news-2026": "Client newsletter, January 2026",
    "club-2025": "Lumière Club 2025 (memberships sold until 31 August 2026)",
    "club-2026": "Lumière Club 2026 (from 1 September 2026, replaces Lumière Club 2025)",
}


@pytest.mark.parametrize("correction, titles, expected", [
    # what a title says of the document it replaces is not its own name
    ("The 2019 licence is dead. Go by the varied licence: music stops at 23:00.", LICENCES,
     NamedDocuments(prefer=["licence-2026"], avoid=["licence-2019"])),
    ("That's the draft handbook. The board adopted its own version and that's the one that counts.", HANDBOOKS,
     NamedDocuments(prefer=["adopted"], avoid=["draft"])),
    # one word is a name after "the" or capitalised; the day a document took effect is not its name
    ("That's the card from 2024 we keep in the van. The January newsletter brought in new prices. Go by the newsletter.",
     CARDS, NamedDocuments(prefer=["news-2026"], about=["card-2024"])),
    ("That's last season's club leaflet. Since 1 September we sell \"Lumière Club 2026\" (club-2026) - a year's "
     "membership is 45 EUR now.", CARDS, NamedDocuments(prefer=["club-2026"])),
    # "prices are on <title>" says where to look (held-out v15, seen: it had been left "about")
    ("That's the members' sheet! Guest prices are on \"Lumière Club 2026\" - 45 EUR a year.", CARDS,
     NamedDocuments(prefer=["club-2026"])),
    # an id written in a clause decides whose clause it is
    ("fees-2023 went out of use in January. Take every price from fees-2025.",
     {"fees-2023": "Price list 2023", "fees-2025": "Price list 2025"},
     NamedDocuments(prefer=["fees-2025"], avoid=["fees-2023"])),
])
def test_named_documents_and_their_direction(correction, titles, expected):
    assert documents_named(correction, titles) == expected


@pytest.mark.parametrize("correction", [
    "Put the total next to the price per head.",  # "price" only says what kind of document
    "The cottages sleep four and the menu is set.",  # single common words, not used as names
    "Answer in a friendlier tone, please.",
])
def test_a_correction_that_names_no_document(correction):
    assert documents_named(correction, {**LICENCES, **CARDS}) == NamedDocuments()


RULES = {
    "house-2024": "House rules for players (2024)",
    "rules-2026": "Player rules - revised March 2026 (replaces the 2024 house rules)",
    "rooms": "Our rooms",
    "prices": "Team prices",
}


@pytest.mark.parametrize("correction", [
    # "X replaced Y": the one before the verb is kept, the one after it dropped, and "those" after it is the new one
    "No - the most we take is six. The revised player rules from March replaced the 2024 house rules, so go by those.",
    # "Y was superseded by X": the other way round
    "The 2024 house rules were superseded by the revised player rules in March.",
])
def test_a_document_that_replaced_another(correction):
    assert documents_named(correction, RULES) == NamedDocuments(prefer=["rules-2026"], avoid=["house-2024"])


def test_a_model_lesson_gains_the_documents_its_correction_says_to_go_by_or_drop():
    correction = "The revised player rules from March replaced the 2024 house rules completely, so go by those."
    # the model preferred the new rules and avoided two documents the correction does not name: kept, and the
    # replaced rules (another title, not a version the retriever retires by itself) added
    action = titled_action(LessonAction(prefer_documents=["rules-2026"], avoid_documents=["rooms", "prices"]),
                           correction, RULES)
    assert (action.prefer_documents, action.avoid_documents) == (["rules-2026"], ["rooms", "prices", "house-2024"])
    # put the other way round by the model: the correction's words win
    action = titled_action(LessonAction(prefer_documents=["house-2024"]), correction, RULES)
    assert (action.prefer_documents, action.avoid_documents) == (["rules-2026"], ["house-2024"])
    # a dropped version of the one to go by is retired by the retriever already, and not added
    correction = "The Lumière Club 2025 leaflet is out of date. Go by Lumière Club 2026."
    assert documents_named(correction, CARDS) == NamedDocuments(prefer=["club-2026"], avoid=["club-2025"])
    action = titled_action(LessonAction(prefer_documents=["club-2026"]), correction, CARDS)
    assert (action.prefer_documents, action.avoid_documents) == (["club-2026"], [])


AGREEMENTS = {"agreement-v3": "Service agreement - terms, version 3 (April 2026)",
              "agreement-v2": "Service agreement - terms, version 2 (2023)", "prices": "Price guide - from 1 February 2026"}


@pytest.mark.parametrize(("correction", "named"), [
    # two versions' titles share every word but their number: quoted whole, the title names one
    ('For business customers we are on version 3 now - "Service agreement - terms, version 3 (April 2026)". '
     "Version 2 is out of date.", NamedDocuments(prefer=["agreement-v3"])),
    ('Since February we\'ve gone by "Price guide - from 1 February 2026".', NamedDocuments(prefer=["prices"])),
    ('Don\'t quote "Service agreement - terms, version 2 (2023)" any more.', NamedDocuments(avoid=["agreement-v2"])),
])
def test_a_title_quoted_whole(correction, named):
    assert documents_named(correction, AGREEMENTS) == named
