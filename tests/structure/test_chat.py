"""Pasted chat transcripts are a part of their own, and each message knows its speaker."""

from __future__ import annotations

import pytest

from bridge.structure import read_structure
from bridge.structure.parts import CHAT, OWN_TEXT

TEAMS = (
    "Pasting the thread from Teams:\n\n"
    "[09:14] Tove Lindqvist: the badge reader at door 3 is dead again\n"
    "[09:16] Henrik Aalto: I'm on site until noon, call me on 073-555 12 90 if you need hands\n"
    "[09:20] Tove Lindqvist: thanks, forwarding to the helpdesk\n\n"
    "Can someone look at it today?\n"
)
WHATSAPP_ANDROID = "21/03/2026, 18:02 - Grace Okafor: ruf mich an unter 0171 5550199\n21/03/2026, 18:05 - Ola Nordmann: ok\n"
WHATSAPP_IOS = "[21.03.26, 18:02:11] Grace Okafor: my number is 07700 900123\n"
SKYPE = "Grace Okafor, [21.03.2026 18:02]: my number is 07700 900123\n"
TEAMS_STAMP_FIRST = (
    "Copied from Teams:\n\n"
    "[10:41] Oskar Wennberg\n"
    "hej, mitt nya nummer är 070-555 31 07\n"
    "[10:43] Petra Lund\n"
    "noterat, fixar det\n"
)
TEAMS_COPY = (
    "Grace Okafor  18:02\n"
    "ring mig direkt på 073-555 12 90\n"
    "and a second line of the same message\n\n"
    "Tove Lindqvist  18:05\n"
    "noted\n"
)


@pytest.mark.parametrize(
    "text, needle, speaker",
    [
        (TEAMS, "073-555", "Henrik Aalto"),
        (TEAMS, "badge reader", "Tove Lindqvist"),
        (WHATSAPP_ANDROID, "0171", "Grace Okafor"),
        (WHATSAPP_IOS, "07700", "Grace Okafor"),
        (SKYPE, "07700", "Grace Okafor"),
        (TEAMS_COPY, "073-555", "Grace Okafor"),
        (TEAMS_COPY, "a second line", "Grace Okafor"),
        (TEAMS_COPY, "noted", "Tove Lindqvist"),
        (TEAMS_STAMP_FIRST, "070-555", "Oskar Wennberg"),
        (TEAMS_STAMP_FIRST, "fixar det", "Petra Lund"),
    ],
)
def test_a_chat_line_names_its_speaker(text: str, needle: str, speaker: str) -> None:
    structure = read_structure(text)
    assert structure.speaker_at(text.index(needle)) == speaker
    assert structure.part_at(text.index(needle)) == CHAT


def test_prose_around_a_chat_transcript_has_no_speaker() -> None:
    structure = read_structure(TEAMS)
    for needle in ("Pasting the thread", "Can someone look"):
        assert structure.speaker_at(TEAMS.index(needle)) is None
        assert structure.part_at(TEAMS.index(needle)) == OWN_TEXT


def test_a_single_name_and_time_line_is_no_chat_header() -> None:
    text = "Deadline Friday 17:00\nplease call me on 073-555 12 90\n"
    assert read_structure(text).speaker_at(text.index("073")) is None


def test_a_bracketed_time_before_a_name_alone_on_its_line_starts_a_message_below() -> None:
    structure = read_structure(TEAMS_STAMP_FIRST)
    assert structure.speaker_at(TEAMS_STAMP_FIRST.index("Copied from")) is None
    assert structure.part_at(TEAMS_STAMP_FIRST.index("mitt nya")) == CHAT
