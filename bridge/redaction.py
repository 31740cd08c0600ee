"""What a redaction removes, and whether the platform really removed it.

The scanner reports every finding at offsets into the text it was given (its normalisation
keeps a map back: zero-width characters inside a value, non-breaking spaces and full-width
digits are covered by the span, see ``bridge.normalise``), so the counted findings of the
message's text are the spans to remove, as they are. Attachments holding a counted finding
(in their content or their file name) are removed whole. A counted finding anywhere else
(the subject line) cannot be redacted: the caller falls back to delete or review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bridge.filenames import NAME_PLACE
from bridge.findings import Decision
from bridge.normalise import normalise
from bridge.platform import AttachmentRef

TEXT_PLACE = "body"  # the place of the message's text in the analysis (description or comment)
ATTACHMENT_PREFIX = "attachment:"


@dataclass
class Plan:
    """What to remove from one message: spans of its text and whole attachments. No values."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    unredactable: list[str] = field(default_factory=list)  # places that cannot be redacted (subject)

    @property
    def empty(self) -> bool:
        return not self.spans and not self.attachments

    def summary(self) -> str:
        """For the audit: counts and attachment positions, never a value or a file name."""
        return json.dumps({"spans": len(self.spans), "attachments": len(self.attachments),
                           "unredactable": sorted(set(self.unredactable))}, sort_keys=True)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, overlapping and touching spans joined, empty ones dropped."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def plan_redaction(decision: Decision, attachments: list[AttachmentRef]) -> Plan:
    """The spans and attachments that remove every counted finding of ``decision``."""
    plan = Plan()
    remove: dict[str, AttachmentRef] = {}
    spans: list[tuple[int, int]] = []
    for finding in decision.counted:
        place = finding.place
        if place == TEXT_PLACE:
            spans.append((finding.start, finding.end))
        elif place.startswith(ATTACHMENT_PREFIX):
            name = place[len(ATTACHMENT_PREFIX):]
            matched = [ref for ref in attachments if ref.filename == name]
            if not matched:
                plan.unredactable.append("attachment")
            for ref in matched:  # two files of one name: both go
                remove.setdefault(ref.id, ref)
        elif place.startswith(NAME_PLACE + ":"):
            number = place.split(":", 1)[1]
            index = int(number) - 1 if number.isdigit() else -1
            if 0 <= index < len(attachments):
                remove.setdefault(attachments[index].id, attachments[index])
            else:
                plan.unredactable.append("attachment")
        else:
            plan.unredactable.append(place.split(":", 1)[0])
    plan.spans = merge_spans(spans)
    plan.attachments = [ref for ref in attachments if ref.id in remove]
    return plan


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def values_left(decision: Decision, text: str) -> int:
    """How many counted values of the message's text still stand in ``text``, read as the
    scanner reads it (normalised), and, for values of six letters or digits or more, also
    with spaces, punctuation and invisible characters ignored (a number whose spacing the
    platform changed is still there). Used after the platform says it redacted them."""
    seen = normalise(text).text
    bare = _letters_and_digits(seen)
    left = 0
    for finding in decision.counted:
        if finding.place != TEXT_PLACE or not finding.value:
            continue
        key = _letters_and_digits(finding.value)
        if finding.value in seen or (len(key) >= 6 and key in bare):
            left += 1
    return left


def attachments_left(plan: Plan, attachments: list[AttachmentRef]) -> int:
    """How many of the attachments to remove the platform still lists."""
    present = {ref.id for ref in attachments}
    return sum(1 for ref in plan.attachments if ref.id in present)


UNREAD_MARK = " could not be read: "  # bridge.policy's reason for an attachment it could not read


def unread_attachments(decision: Decision, on_unscannable: str) -> bool:
    """A redaction removes what was found; an attachment that could not be read was not looked
    at, and with ``attachments.on_unscannable: review`` a person must still see it."""
    return on_unscannable == "review" and any(UNREAD_MARK in reason for reason in decision.reasons)
