"""What every kind module receives and returns.

An extractor is ``Callable[[bytes, Context], Extraction]``. It returns the text it read
as ``(detail, text)`` pieces and the problems it met; it may also raise
``ExtractionProblem`` to give up on the whole file. Problem reasons are short, fixed
phrases with counts and limits only: never a value, a cell or a member's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bridge.extract.limits import MB as MB  # re-exported
from bridge.extract.limits import AttachmentLimits
from bridge.extract.limits import megabytes as megabytes  # re-exported

class ExtractionProblem(Exception):
    """The file (or a piece of it) cannot be read; ``str(exc)`` is the reason for people."""


@dataclass(frozen=True)
class Context:
    """Settings of one extraction; ``prefix`` says where a nested file sits (``member a.pdf``)."""

    limits: AttachmentLimits
    language: str = "en"
    ocr: bool = True
    depth: int = 0
    prefix: str | None = None
    label: str | None = None

    def nested(self, prefix: str, label: str) -> Context:
        """``prefix`` goes into details (may name the file); ``label`` into problems (never names)."""
        return replace(self, depth=self.depth + 1, prefix=prefix, label=label)

    def detail(self, detail: str | None) -> str | None:
        """Join the nesting prefix and a local detail: ``member a.pdf, page 2``."""
        if self.prefix and detail:
            return f"{self.prefix}, {detail}"
        return self.prefix or detail


@dataclass
class Extraction:
    """Text pieces read from one file and the problems met on the way."""

    pieces: list[tuple[str | None, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ocr: set[int] = field(default_factory=set)  # indexes of pieces read only by OCR

    def add(self, detail: str | None, text: str, ocr: bool = False) -> None:
        if text and text.strip():
            if ocr:
                self.ocr.add(len(self.pieces))
            self.pieces.append((detail, text))

    def extend(self, other: Extraction) -> None:
        self.ocr.update(len(self.pieces) + i for i in other.ocr)
        self.pieces.extend(other.pieces)
        self.problems.extend(other.problems)


Extractor = Callable[[bytes, Context], Extraction]

