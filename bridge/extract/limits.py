"""Limits on what extraction of one attachment may cost.

Embedded in rules.yaml under ``attachments.limits``; every field has a safe default so
an empty section means "the defaults". An attachment that crosses a limit is not read
further: it gets a ``problem`` and the ticket goes to review.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MB = 1024 * 1024


def megabytes(n: int) -> str:
    """A byte limit for people: ``20 MB``; small (test) limits in bytes."""
    return f"{n / MB:g} MB" if n >= MB else f"{n} bytes"


class AttachmentLimits(BaseModel):
    """Per-attachment and per-ticket bounds on size, pixels, pages, members and time."""

    model_config = ConfigDict(extra="forbid")

    max_bytes: int = Field(20 * MB, gt=0, description="bytes per attachment")
    max_ticket_bytes: int = Field(50 * MB, gt=0, description="bytes of all attachments of one ticket")
    max_pixels: int = Field(40_000_000, gt=0, description="pixels per image (decompression bombs)")
    max_pdf_pages: int = Field(50, gt=0, description="pages per PDF")
    max_archive_members: int = Field(100, gt=0, description="members per ZIP archive")
    max_expansion_ratio: float = Field(100.0, gt=0, description="uncompressed/compressed size of an archive member")
    timeout_seconds: float = Field(60.0, gt=0, description="wall clock per attachment")
    max_memory_mb: int = Field(1024, gt=0, description="address-space limit of the extraction child process")


class TicketBudget:
    """The bytes one ticket's attachments may take: ``max_bytes`` each, ``max_ticket_bytes``
    in all. The one place both the download (worker) and the extraction (scan, eval) ask."""

    def __init__(self, limits: AttachmentLimits) -> None:
        self.limits = limits
        self.used = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limits.max_ticket_bytes - self.used)

    def cap(self) -> int:
        """The most the next attachment may be (for a bounded download)."""
        return min(self.limits.max_bytes, self.remaining)

    def refuse(self, size: int | None) -> str | None:
        """Why an attachment of ``size`` bytes (None: not known yet) is not read, or None."""
        if size is not None and size > self.limits.max_bytes:
            return f"larger than the {megabytes(self.limits.max_bytes)} limit"
        if self.remaining <= 0 or (size is not None and size > self.remaining):
            return self.over_ticket_limit()
        return None

    def over_ticket_limit(self) -> str:
        return f"ticket's attachments exceed the {megabytes(self.limits.max_ticket_bytes)} limit"

    def take(self, size: int) -> None:
        self.used += size
