"""Values passed between extraction, scanning and the policy.

A ``Finding`` holds the matched value in memory because the policy needs it (the
requester-self exemption, combinations). ``to_dict`` leaves the value out unless
asked, and nothing that is written anywhere may call it with ``show_values=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["delete", "review", "none"]

# a recognizer's evidence note for an identifier in its printed form whose check digit fails
# (bridge.recognizers.base): weak evidence in bridge.confidence
FAILED_CHECK_NOTE = "printed form, check digit fails"
# ... for an IP address where a person named in the sentence before connects from (weak evidence)
SOURCE_IN_SENTENCE_BEFORE = "where a person named in the sentence before connects from"
# ... for a value in a ticket that says its data are test data and shows a documented placeholder
# (bridge.ownership.placeholders): weak evidence
TEST_DATA_NOTE = "in a ticket about test data beside documented placeholders"
# ... for a value after an example noun in its sentence ("Exemplet i beskrivningen är ...")
EXAMPLE_NOTE = "named as an example in its sentence"


@dataclass(frozen=True)
class TextPart:
    """A piece of text to scan and where it came from.

    ``place`` is ``subject``, ``body`` or ``attachment:<filename>``; ``detail`` says
    where inside an attachment (``page 2``, ``sheet Staff``, ``member a.txt``).
    ``language``, when set, is the part's own language (an English log attached to a
    Swedish ticket); otherwise the ticket's language applies.
    """

    place: str
    text: str
    detail: str | None = None
    language: str | None = None
    ocr: bool = False  # read only by OCR (an image, a scanned page): weaker evidence

    @property
    def where(self) -> str:
        return f"{self.place} ({self.detail})" if self.detail else self.place


@dataclass(frozen=True)
class Finding:
    entity_type: str
    place: str
    start: int
    end: int
    score: float
    recognizer: str
    value: str = field(repr=False, compare=False)
    detail: str | None = None
    context: str | None = field(default=None, repr=False, compare=False)
    # the part of the mail it stands in (bridge.structure.parts: own_text, signature, quoted, table ...)
    part: str = field(default="", compare=False)
    # whose it is (bridge.ownership: requester, organisation, system, third_party) and why;
    # set by the policy, empty before it ran
    holder: str = field(default="", compare=False)
    holder_why: str = field(default="", compare=False)
    # why it does not count (its holder, its score), empty when it counts; set by the policy
    excluded: str = field(default="", compare=False)
    # what the recognizer saw ("number in brackets after a full name"); no value in it
    evidence: str = field(default="", compare=False)
    ocr: bool = field(default=False, compare=False)
    # (table, row) in its text when it stands in a table row: one row is one person
    row: tuple[int, int] | None = field(default=None, compare=False)
    # the header of its table column ("Switchboard", "Mobile"), when it stands in a table with one
    column: str = field(default="", compare=False)
    # in attachment text: its line up to it and the lines above in its block, every finding masked as
    # <TYPE> (no value in it)
    line_before: str = field(default="", repr=False, compare=False)
    # calibrated score and band (delete / review) of a counted finding; set by the policy
    confidence: float | None = field(default=None, compare=False)
    band: str = field(default="", compare=False)
    weak: str = field(default="", compare=False)  # why its evidence is weak, when it is

    def to_dict(self, show_values: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.entity_type,
            "place": self.place,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
            "recognizer": self.recognizer,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.part:
            out["part"] = self.part
        if self.holder:
            out["holder"] = self.holder
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 3)
            out["band"] = self.band
        if self.weak:
            out["weak"] = self.weak
        if self.ocr:
            out["ocr"] = True
        if show_values:
            out["value"] = self.value
        return out


@dataclass(frozen=True)
class ExtractedAttachment:
    """What extraction made of one attachment.

    ``kind`` is the detected kind (``text``, ``csv``, ``pdf``, ``docx``, ``image`` ...).
    ``problem`` is set when the attachment could not be read completely (too large,
    encrypted, corrupt, unknown kind, timed out): the ticket then needs review. It is a
    reason for people, with no content of the file in it.
    """

    filename: str
    kind: str
    parts: list[TextPart] = field(default_factory=list)
    problem: str | None = None

    @property
    def place(self) -> str:
        return f"attachment:{self.filename}"


@dataclass
class Decision:
    """The verdict for one ticket.

    ``action``: ``delete`` (violation), ``review`` (cannot decide) or ``none`` (clean).
    ``reasons``: the names of the rules that fired and review reasons; no values.
    ``places``: place (with detail) -> the entity kinds that counted there, for the
    requester's email.
    """

    action: Action
    reasons: list[str] = field(default_factory=list)
    places: dict[str, list[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    counted: list[Finding] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {"delete": "violation", "review": "review", "none": "clean"}[self.action]

    def kind_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.counted:
            counts[finding.entity_type] = counts.get(finding.entity_type, 0) + 1
        return counts

    def to_dict(self, show_values: bool = False) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "action": self.action,
            "reasons": list(self.reasons),
            "places": {k: list(v) for k, v in self.places.items()},
            "kinds": self.kind_counts(),
            "findings": [f.to_dict(show_values) for f in self.findings],
        }
