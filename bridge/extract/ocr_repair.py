"""Repairs of the commonest OCR misreadings, character for character (offsets stay those of
Tesseract's text), where the shape around them leaves no doubt:

- a run of digits with a letter O/o, I/l or | in it ("O7700 9OO772", "2O26") is digits:
  at least three real digits, and no more look-alike letters than digits;
- the check digits of an IBAN ("GBO3 MIDL ...": two letters, then two of digits and O, then a
  group of four); the recognizer's mod-97 check still decides whether it is one;
- "@" read as "Q" between a lower-case local part and a lower-case domain with a dot
  ("anna.bergQexample.se"); upper-case words ("SQL.example.com") are left alone.

A value read from the repaired text is still read only by OCR: weak evidence unless a label
or its checksum confirms it (bridge.confidence).
"""

from __future__ import annotations

import re

_DIGITISH = re.compile(r"(?<![^\W\d_])[0-9OoIl|](?:[0-9OoIl|]|[-./](?=[0-9OoIl|]))*(?![^\W\d_])")
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_IBAN_HEAD = re.compile(r"\b([A-Z]{2})([0-9O]{2})(?=[ ]?[A-Z0-9]{4})")
_AT_AS_Q = re.compile(r"(?<![\w.@-])([a-z0-9][a-z0-9._%+-]*[a-z0-9])Q([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,12})\b")
MIN_DIGITS = 3


def _digits(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = sum(ch.isdigit() for ch in run)
    lookalikes = sum(ch in "OoIl|" for ch in run)
    if lookalikes == 0 or digits < MIN_DIGITS or lookalikes > digits:
        return run
    return run.translate(_TO_DIGIT)


def _iban_head(match: re.Match[str]) -> str:
    check = match.group(2)
    if "O" not in check or not any(ch.isdigit() for ch in check):
        return match.group(0)
    return match.group(1) + check.replace("O", "0")


def repair_ocr_text(text: str) -> str:
    """``text`` with the misreadings above undone; same length, same offsets."""
    repaired = _DIGITISH.sub(_digits, text)
    repaired = _IBAN_HEAD.sub(_iban_head, repaired)
    repaired = _AT_AS_Q.sub(lambda m: f"{m.group(1)}@{m.group(2)}", repaired)
    return repaired
