"""German tax id (Steuer-IdNr: check digit and a context word).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "DE_TAX_ID"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # German tax id (check digit)
    ("de", "Im Feld Steuer-ID steht 86095742719 des Kunden.", "86095742719"),
    ("de", "Steuer-IdNr 86 095 742 719 wird abgelehnt.", "86 095 742 719"),
    ("en", "The German tax id 47036892816 was exported.", "47036892816"),
    ("sv", "Tyskt skatte-id 65929970489 i exporten.", "65929970489"),
    ("de", "Steuer-ID 86095742718 ist falsch.", None),  # bad check digit
    ("de", "Rechnung 47036892816 ist bezahlt.", None),  # no context
    # German tax id: long compound word, or further back in the sentence
    ("de", "Bitte die Steueridentifikationsnummer korrigieren: 53140690824", "53140690824"),
    ("de", "Bitte die Steueridentifikationsnummer von Dieter Brandt korrigieren: 86 095 742 719.", "86 095 742 719"),
    ("en", "Please fix the German tax identification number of our colleague: 47036892816", "47036892816"),
    ("de", "Die Steueridentifikationsnummer fehlt.\nRechnung 47036892816 ist bezahlt.", None),
    # passport / tax id word before a ";" in the same sentence
    ("de", "Bitte die Steuer-ID korrigieren; eingetragen ist 86 095 742 719.", "86 095 742 719"),
    # found whatever language the ticket is in
    ("sv", "Die Steueridentifikationsnummer 86095742719 ist falsch.", "86095742719"),
    ("en", "Im Feld Steuer-ID steht 86095742719.", "86095742719"),
    ("de", "Die Steuer-ID fehlt im Export. Sie lautet 86 095 742 719.", "86 095 742 719"),
    ("de", "Die Steuer-ID fehlt im Export.\n\nRechnung 86 095 742 719 ist offen.", None),
    # two sentences back, the number on its own line under a colon
    ("de", "Bei der Steuer-ID kommt die Meldung \"ungültig\". Wir haben sie dreimal abgetippt. Sie lautet:\n\n86 095 742 719\n",
     "86 095 742 719"),
    ("de", "Die Steuer-ID fehlt. Das ist bekannt. Danke. Rechnung 86 095 742 719 ist offen.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
