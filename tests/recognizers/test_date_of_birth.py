"""Dates of birth: a plausible past date after a birth word, never a timestamp.

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, counted, found_of

ENTITY = "DATE_OF_BIRTH"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # dates of birth (a date with birth context)
    ("en", "He was born 10/26/1988, so the age check fails.", "10/26/1988"),
    ("en", "Date of birth on the record: November 27, 1965.", "November 27, 1965"),
    ("en", "DOB is 5 March 1987 if that helps.", "5 March 1987"),
    ("sv", "Han är född 23.03.2004, så kontrollen borde gå igenom.", "23.03.2004"),
    ("sv", "Födelsedatum i posten: 12 mars 1973.", "12 mars 1973"),
    ("de", "Geb. 17. August 1989, falls das hilft.", "17. August 1989"),
    ("de", "Geburtsdatum laut Stammdaten: 09.10.2000.", "09.10.2000"),
    ("en", "Her birthday is 2nd March 1985 but the system says 1995.", "2nd March 1985"),
    ("sv", "Födelsedatumet 19850312 stämmer inte.", "19850312"),
    ("de", "Die Mitarbeiterin ist am 3. Februar 1990 geboren.", "3. Februar 1990"),
    ("de", "Der Abgleich ist am 01.10.2024 um 21:40 stehen geblieben.", None),  # "geb|lieben"
    ("en", "The export failed on 10/26/2024 at 17:30.", None),  # an incident date
    ("en", "It was repaired on 13/01/2025. She was born 23/09/2001.", "23/09/2001"),
    ("de", "Geboren am 31.02.1990 steht im Feld.", None),  # no such date
    # birth dates: not across a log line, not a timestamp, only the first date after the word
    ("en", "2024-01-01 08:00 WARN date of birth missing for imported rows\n2024-01-02 10:00 INFO retry", None),
    ("en", "WARN date of birth missing for imported rows\n2024-01-02 INFO retry", None),
    ("en", "Date of birth:\n1984-03-12", "1984-03-12"),
    ("en", "DOB check ran at 2024-01-02 10:00 and failed.", None),
    ("de", "Geburtsdatum-Abgleich am 01.10.2024 um 21:40 gestartet.", None),
    # a birth word of another language than the ticket's: an English mail from a German-speaking locale
    ("de", "Example: the employee, born 21.07.1979, turns 47 this year.", "21.07.1979"),
    ("sv", "Bitte prüfen: Mitarbeiter geboren 04.11.1982, Anspruch falsch.", "04.11.1982"),
    ("en", "Born 12/03/1984, started with us on 01/05/2020.", "12/03/1984"),
    ("sv", "Född 1984-03-12, anställd 2020-05-01.", "1984-03-12"),
    # "f.d." (före detta, former) is not "f." (född)
    ("sv", "Karin Ek, f.d. 1984-03-12, har slutat.", None),
    ("sv", "Karin Ek f. 1984-03-12 har slutat.", "1984-03-12"),
    # a field name of a JSON payload
    ("en", '{"externalId": "X-1", "dateOfBirth": "1990-04-12", "hireDate": "2026-12-07"}', "1990-04-12"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


def test_second_date_after_a_birth_word_is_not_a_birth_date(scanner: Scanner, rules: Rules) -> None:
    found = counted(scanner, rules, "Born 12/03/1984, started with us on 01/05/2020.", "en")
    assert ("DATE_OF_BIRTH", "01/05/2020") not in found
    found = counted(scanner, rules, "Född 1984-03-12, anställd 2020-05-01.", "sv")
    assert ("DATE_OF_BIRTH", "2020-05-01") not in found


def test_context_after_a_match_stops_at_the_sentence_end(scanner: Scanner, rules: Rules) -> None:
    found = counted(scanner, rules, "It was repaired on 13/01/2025. She was born 23/09/2001.", "en")
    assert ("DATE_OF_BIRTH", "13/01/2025") not in found
    assert ("DATE_OF_BIRTH", "23/09/2001") in found
