"""Pasted chat transcripts (Teams, Slack, WhatsApp exports): who speaks on each line.

First-person words in a chat message ("call me on", "ring mig direkt") are its speaker's,
not the requester's; ownership compares the speaker with the requester. Recognised lines:

- "[08:06] Anna Berg: text", "[12.01.26, 08:06:12] Anna Berg: text" (Teams copy, WhatsApp iOS)
- "08:06 - Anna Berg: text", "12/01/2026, 08:06 - Anna Berg: text" (WhatsApp Android)
- "Anna Berg, [12.01.2026 08:06]: text" (Skype, Teams classic)
- "Anna Berg  08:06", "Anna Berg 8:06 AM" or "[08:06] Anna Berg" alone on its line, the message on the lines below
  (Teams and Slack copies; a name of two words or more, and only in a text with at least two
  such lines: "Deadline 17:00" is no speaker)

A message runs on over the following non-blank lines that start no other chat line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = r"[A-ZÄÖÜÅÉ][\w'’.-]*"
_NAME = rf"{_WORD}(?:[ \t]+(?:[a-z]{{1,3}}[ \t]+)?{_WORD}){{0,3}}"
_FULL_NAME = rf"{_WORD}(?:[ \t]+(?:[a-z]{{1,3}}[ \t]+)?{_WORD}){{1,3}}"  # a header line's name: two words or more
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?"
_STAMP = rf"(?:{_DATE}\s*)?{_TIME}"

# a speaker's line with the message on it: the speaker span is group "who"
_INLINE = (
    re.compile(rf"^\s*\[{_STAMP}\]\s*(?P<who>{_NAME})\s*:(?:\s|$)"),
    re.compile(rf"^\s*{_STAMP}\s+[-–]\s+(?P<who>{_NAME})\s*:(?:\s|$)"),
    re.compile(rf"^\s*(?P<who>{_NAME}),?\s+\[{_STAMP}\]\s*:\s"),
)
# a speaker's header line, the message below it: "Anna Berg 08:06", or "[08:06] Anna Berg" (Teams copy)
_HEADER = re.compile(
    rf"^\s*(?:(?P<who>{_FULL_NAME}),?[ \t]+(?:\[?{_STAMP}\]?)|\[{_STAMP}\][ \t]*(?P<who2>{_FULL_NAME}))\s*$"
)


@dataclass(frozen=True)
class ChatTurn:
    """One chat message: (start, end) of its lines and the span of its speaker's name."""

    start: int
    end: int
    speaker: tuple[int, int]


def _speaker_at(line: str, headers_count: bool) -> tuple[int, int, bool] | None:
    """(start, end) of the speaker's name on a chat line, and whether the message stands below."""
    for pattern in _INLINE:
        found = pattern.match(line)
        if found:
            return found.start("who"), found.end("who"), False
    if headers_count:
        found = _HEADER.match(line)
        if found:
            who = "who" if found.group("who") else "who2"
            return found.start(who), found.end(who), True
    return None


def find_chat_turns(lines: list[str], offsets: list[int], usable: list[bool]) -> list[tuple[int, int, ChatTurn]]:
    """The chat messages of a text: (first line, end line, turn). Lines not ``usable`` (quoted
    mail, logs, signatures) start no message."""
    headers = sum(1 for i, line in enumerate(lines) if usable[i] and _HEADER.match(line)) >= 2
    out: list[tuple[int, int, ChatTurn]] = []
    i = 0
    while i < len(lines):
        spot = _speaker_at(lines[i], headers) if usable[i] else None
        if spot is None:
            i += 1
            continue
        who_start, who_end, below = spot
        end = i + 1
        if below:
            while end < len(lines) and not lines[end].strip() and end - i <= 1:
                end += 1
        while end < len(lines) and lines[end].strip() and usable[end] and _speaker_at(lines[end], headers) is None:
            end += 1
        stop = offsets[end - 1] + len(lines[end - 1])
        out.append((i, end, ChatTurn(offsets[i], stop, (offsets[i] + who_start, offsets[i] + who_end))))
        i = max(end, i + 1)
    return out
