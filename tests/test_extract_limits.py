"""AttachmentLimits: the schema the rules file embeds under attachments.limits."""

from __future__ import annotations

import pydantic
import pytest

from bridge.extract.limits import AttachmentLimits


def test_defaults_are_the_documented_safe_ones() -> None:
    limits = AttachmentLimits()
    assert limits.max_bytes == 20 * 1024 * 1024
    assert limits.max_ticket_bytes == 50 * 1024 * 1024
    assert limits.max_pixels == 40_000_000
    assert limits.max_pdf_pages == 50
    assert limits.max_archive_members == 100
    assert limits.max_expansion_ratio == 100
    assert limits.timeout_seconds == 60
    assert limits.max_memory_mb == 1024


def test_a_partial_section_keeps_the_other_defaults() -> None:
    limits = AttachmentLimits.model_validate({"max_pdf_pages": 5, "timeout_seconds": 10})
    assert (limits.max_pdf_pages, limits.timeout_seconds, limits.max_pixels) == (5, 10, 40_000_000)


@pytest.mark.parametrize("bad", [{"max_pages": 5}, {"max_bytes": 0}, {"timeout_seconds": -1}, {"max_pixels": "many"}])
def test_unknown_or_nonsensical_values_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError) as error:
        AttachmentLimits.model_validate(bad)
    assert next(iter(bad)) in str(error.value)
