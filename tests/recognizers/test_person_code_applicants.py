"""A person's id in a hiring process (applicant or candidate id) is a person code like a staff
number. Values are invented; every case is a pattern."""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "PERSON_CODE"

CASES: list[tuple[str, str, str | set[str] | None]] = [
    ("de", "Der Schritt hängt bei Herrn Olaf Brink (Bewerber-ID K-40917).", {"K-40917"}),
    ("de", "Bitte Bewerbernummer 58213 im Export ergänzen.", {"58213"}),
    ("en", "The offer letter for applicant id AP-7731 did not generate.", {"AP-7731"}),
    ("en", "Candidate ID 90412 shows the wrong start date.", {"90412"}),
    ("sv", "Sökande-id 33817 saknar intervjutid.", {"33817"}),
    ("sv", "Kandidatnummer S-2094 syns inte i listan.", {"S-2094"}),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_an_applicant_or_candidate_id_is_a_person_code(
    scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None
) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
