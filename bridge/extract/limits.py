"""Limits on what extraction of one attachment may cost.

Embedded in rules.yaml under ``attachments.limits``; every field has a safe default so
an empty section means "the defaults". An attachment that crosses a limit is not read
further: it gets a ``problem`` and the ticket goes to review.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MB = 1024 * 1024


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
