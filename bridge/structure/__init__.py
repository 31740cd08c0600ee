"""The ticket structure reader: which part of a mail each character is in (bridge.structure.parts)."""

from bridge.structure.parts import KINDS, Segment, Signoff, Structure, Table
from bridge.structure.reader import quote_header_before, read_structure, subject_structure

__all__ = ["KINDS", "Segment", "Signoff", "Structure", "Table", "quote_header_before", "read_structure", "subject_structure"]
