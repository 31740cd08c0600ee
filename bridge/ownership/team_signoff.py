"""Contact lines under a team's or a company's sign-off ("Kind regards,\nAcme Support Team\n
support@... | +44 ...", "Mit freundlichen Grüßen\nIhr Lohnbüro-Team\nTel ...") are the
organisation's: the name line under the closing names a team, a function or a company, not a
person. Read on the raw lines (quote marks stripped), so it holds in quoted mail too."""

from __future__ import annotations

from typing import Callable

from bridge.structure.markers import CLOSING, QUOTE_PREFIX

TEAM_LINES_BELOW = 3  # a contact line at most this many lines under the name line
LINE_CHARS = 80


def _unquoted(line: str) -> str:
    while QUOTE_PREFIX.match(line):
        line = line.lstrip()[1:]
    return line.strip()


def under_team_signoff(text: str, offset: int, names_function: Callable[[str], bool]) -> bool:
    """The line at ``offset`` stands a few lines under a closing whose name line (the rest of the
    closing line, or the line below it) ``names_function``."""
    lines = text[: text.find("\n", offset) if "\n" in text[offset:] else len(text)].split("\n")
    here = len(lines) - 1
    for k in range(here, max(-1, here - TEAM_LINES_BELOW - 2), -1):
        line = _unquoted(lines[k])
        if not line or len(line) > LINE_CHARS and k != here:
            return False
        closing = CLOSING.match(line)
        if closing is None:
            continue
        if k == here:
            return False
        rest = closing.group("rest").strip()
        if rest:
            return names_function(rest)
        below = _unquoted(lines[k + 1])
        return bool(below) and k + 1 < here and names_function(below)
    return False
