"""One ticket's content in, one Decision out: extraction, language, scanning, policy.

The worker, ``gdpr-bridge scan`` and ``gdpr-bridge eval`` all go through
``TicketAnalyzer`` so that they judge a ticket the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Iterable

from bridge.extract import extract_attachments
from bridge.filenames import name_as_text, name_place
from bridge.findings import Decision, ExtractedAttachment, TextPart
from bridge.language import detect_language, guess_language
from bridge.platform import Ticket
from bridge.policy import decide
from bridge.rules import Rules
from bridge.scanner import Scanner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttachmentInput:
    """An attachment's bytes, or the reason they could not be had (too large, gone)."""

    filename: str
    data: bytes | None = None
    problem: str | None = None


class TicketAnalyzer:
    """Holds the scanner (built once: it loads models) and applies the rules."""

    def __init__(self, rules: Rules, scanner: Scanner | None = None) -> None:
        self.rules = rules
        self.scanner = scanner or Scanner(rules)

    def language_of(self, ticket: Ticket) -> str:
        return detect_language(f"{ticket.subject}\n{ticket.body}", ticket.requester.locale, self.rules)

    def written_language(self, ticket: Ticket) -> str | None:
        """The language the ticket's text is written in (lingua), whatever the requester's
        locale says; None when unsure. The email's language needs it: a requester left on
        the platform's default locale may write in another language."""
        return guess_language(f"{ticket.subject}\n{ticket.body}", self.rules)

    def extract(self, attachments: Iterable[AttachmentInput], language: str) -> list[ExtractedAttachment]:
        """Extract what was downloaded, bounded per attachment and per ticket, in order."""
        items = list(attachments)
        readable = [(item.filename, item.data) for item in items if item.data is not None]
        ocr = self.rules.attachments.screenshots == "scan"
        extracted = iter(extract_attachments(readable, self.rules.attachments.limits, language, ocr=ocr))
        return [
            next(extracted) if item.data is not None
            else ExtractedAttachment(item.filename, "unread", problem=item.problem or "not downloaded")
            for item in items
        ]

    def in_own_language(self, parts: list[TextPart], ticket_language: str) -> list[TextPart]:
        """An attachment's parts marked with the attachment's own language when lingua is sure
        of one (an English log on a Swedish ticket), else the ticket's."""
        own = guess_language("\n".join(part.text for part in parts), self.rules) or ticket_language
        if own == ticket_language:
            return parts
        return [replace(part, language=own) for part in parts]

    def analyse(
        self, ticket: Ticket, attachments: Iterable[AttachmentInput] = (), language: str | None = None
    ) -> Decision:
        language = language or self.language_of(ticket)
        extracted = self.extract(attachments, language)
        parts = [TextPart("subject", ticket.subject or ""), TextPart("body", ticket.body or "")]
        for item in extracted:
            parts.extend(self.in_own_language(item.parts, language))
        # file names are data too ("payslip_<name>_<personnummer>.txt"), read or not
        for number, item in enumerate(extracted, start=1):
            parts.append(TextPart(name_place(number), name_as_text(item.filename)))
        try:
            bounds = self.rules.scanner
            findings, cut_short = self.scanner.scan_within(parts, language, bounds.max_ticket_chars,
                                                           bounds.max_scan_seconds)
        except Exception as exc:  # fail safe: never pass silently, never delete
            log.error("scanner failed", extra={"ticket_id": ticket.id, "error_type": type(exc).__name__})
            return Decision(action=self.rules.attachments.on_unscannable,
                            reasons=[f"scanner error ({type(exc).__name__})"])
        decision = decide(findings, ticket, self.rules, extracted)
        if cut_short:
            # part of the ticket was never looked at: a person decides, whatever the rest showed
            log.warning("scan bound reached", extra={"ticket_id": ticket.id, "reason": cut_short})
            return replace(decision, action="review", reasons=[*decision.reasons, cut_short])
        return decision
