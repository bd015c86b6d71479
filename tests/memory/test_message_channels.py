"""Where a message goes, and which places a writer correction names (memory/message_channels.py)."""

from __future__ import annotations

import pytest

from memory.message_channels import EVERYWHERE, PUBLIC, named_channels, request_channel
from memory.message_requests import asks_for_message


@pytest.mark.parametrize(("request_text", "channel"), [
    ("Write an Instagram post about the new spring menu.", "online"),
    ("Write a line for the website about hiring the back room on a Saturday.", "online"),
    ("Write the leaflet wording for the open day on 4 May.", "print"),
    ("Put together the announcement for the local paper about the new opening hours.", "press"),
    ("Write a short press release for the local newspaper about the late opening.", "press"),
    ("Post in the group chat that the Tuesday session moves to 8pm.", "group"),
    ("Write the email to the whole choir about the Christmas concert.", "group"),
    ("Write a thank-you note to the volunteers who ran the stall.", "group"),
    ("Reply to the Harbour Rowing Club, who asked about hiring the boathouse.", "direct"),
    # the channel is read before what the message says: these are a text, an e-mail and a quote
    ("Text Jamal Idris that his 50 posters are ready and cost EUR 40.", "direct"),
    ("Email Lena Fischer a quote for 100 colour copies of her one-page flyer.", "direct"),
    ("Write a quote for the Riverside Runners: 200 A2 posters at 1.10 each.", "direct"),
    ("Let Femi Ade know how grateful we are for the 40 EUR she gave online.", "direct"),
    ("A customer on Facebook asks whether the ferry runs on Saturday. Reply for us.", "direct"),
    ("How many posters did we print in May?", ""),
])
def test_where_a_requested_message_goes(request_text: str, channel: str):
    assert request_channel(request_text) == channel


def test_a_note_for_a_colleague_named_by_first_name_is_no_message_to_someone_outside():
    assert not asks_for_message("Draft a note for Priya reminding her the van's MOT is due on 30 April.")
    assert not asks_for_message("Write Marek's list for Thursday: 9am Mill Yard, 11am Weir Cottage.")
    assert asks_for_message("Write a note for Mrs Okafor about her boots.")
    assert asks_for_message("Write a message to Bella's owner reminding her the booster is due.")
    assert asks_for_message("Write a polite reminder to Hollis & Sons that invoice 117 is overdue.")


def test_a_booking_confirmed_to_the_person_who_made_it_is_a_message():
    assert asks_for_message("Confirm Mrs Hollis's booking - main hall, Saturday 13 June, 7 until 11 at night.")
    assert asks_for_message("Confirm to the Scouts that Wednesday's slot is theirs.")
    assert not asks_for_message("Confirm May's total for the treasurer's sheet.")
    assert not asks_for_message("Confirm the figures for the June sessions.")


@pytest.mark.parametrize(("correction", "channels"), [
    ("Every bit of publicity ends with the box office number.", PUBLIC),
    ("Posts for our social media accounts stay under 50 words.", {"online"}),
    ("Newspaper notices give the surname in capitals first.", {"press"}),
    ("Never name who owes money in a message to everyone.", {"group"}),
    ("No exclamation marks in letters to sponsors. Ever.", {"direct"}),
    ("Letters to residents never say 'refuse'.", {"direct", "group"}),
    ("In anything we send to customers, write the order number as GC-0007.", EVERYWHERE),
    ("Never call them movies - newsletters, posts, replies to guests, all of it.", EVERYWHERE),
    # places named only to give the reason are not the rule's
    ("Prices go with the euro sign in front. That's how the signs and the council website show them.", set()),
    ("Write GC-0007 - that's what's printed on their receipt.", set()),
    ("Too stiff. Say sorry first.", set()),
])
def test_which_places_a_writer_correction_names(correction: str, channels: set[str]):
    assert named_channels(correction) == frozenset(channels)
