"""What the scanner finds in one text at or above each type's threshold, as (type, value) pairs."""

from __future__ import annotations

from bridge.findings import TextPart
from bridge.rules import Rules
from bridge.scanner import Scanner


def counted(scanner: Scanner, rules: Rules, text: str, language: str, place: str = "body") -> set[tuple[str, str]]:
    return {
        (f.entity_type, f.value)
        for f in scanner.scan([TextPart(place, text)], language)
        if f.score >= rules.entities[f.entity_type].threshold
    }


def found_of(scanner: Scanner, rules: Rules, text: str, language: str, entity: str, place: str = "body") -> set[str]:
    """The values of one entity type that count in ``text``."""
    return {value for kind, value in counted(scanner, rules, text, language, place) if kind == entity}



def assert_found(found: set[str], expected: str | set[str] | None) -> None:
    """``expected``: a value that must count; ``"!value"``: that value must not count;
    a set: exactly these count; None: nothing of the type may count."""
    if expected is None:
        assert found == set()
    elif isinstance(expected, set):
        assert found == expected
    elif expected.startswith("!"):
        assert expected[1:] not in found
    else:
        assert expected in found, found
