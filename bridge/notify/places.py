"""Where a finding was, said without a file name: ``attachment #2 image (page 3)``.

Attachment and archive-member names are chosen by the requester and can hold a name,
an email address or an id number, so the email names attachments by position and kind
only ("the 2nd attachment, an image"), and files inside them likewise. ``neutral_places``
turns the analysis' places (``attachment:<filename> (<detail>)``) into that form; the
renderer (``bridge.notify.render``) speaks only this form and shows anything else as
"elsewhere in the request".

Grammar of a neutral place: ``subject`` | ``body`` | ``attachment #<n> <kind>`` with an
optional `` (<detail>, …)``, where a detail is ``page <n>``, ``frame <n>``, ``sheet``,
``headers``, a Word part (``header``, ``footer``, ``footnotes``, ``endnotes``,
``comments``) or ``inner #<n> <kind>`` (a file inside the attachment: ZIP member,
e-mail attachment, embedded file).
"""

from __future__ import annotations

import re

from bridge.extract.detect import detect_kind

KINDS = frozenset({"text", "csv", "log", "html", "xml", "json", "email", "pdf", "docx", "xlsx", "pptx", "odt",
                   "image", "zip", "file"})
_NESTED = re.compile(r"^(?:member|attachment|embedded) #(?P<n>\d+) (?P<kind>[a-z0-9_-]+): ")
_LOCAL = re.compile(r"^(?:page \d+|frame \d+|headers|header|footer|footnotes|endnotes|comments)$")
NEUTRAL = re.compile(r"^attachment #(?P<n>\d+) (?P<kind>[a-z0-9_-]+)(?: \((?P<details>[a-z0-9#, -]*)\))?$")


def kind_word(kind: str) -> str:
    """A detected kind as the email's names know it (``file`` for anything unlisted)."""
    return kind if kind in KINDS else "file"


def neutral_detail(detail: str) -> list[str]:
    """``member #3 image: shot.png, page 2`` → ``["inner #3 image"]``; names never survive."""
    nested = _NESTED.match(detail)
    if nested:  # what follows the name cannot be told apart from the name: drop it all
        return [f"inner #{nested['n']} {kind_word(nested['kind'])}"]
    out: list[str] = []
    for piece in detail.split(", "):
        if _LOCAL.match(piece):
            out.append(piece)
        elif piece.startswith("sheet "):
            out.append("sheet")
            break  # a sheet's title may hold anything, commas too
        else:
            break
    return out


def neutral_places(places: dict[str, list[str]], attachments: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Places keyed without file names. ``attachments``: (filename, kind) in the ticket's order."""
    positions: dict[str, tuple[int, str]] = {}
    for index, (filename, kind) in enumerate(attachments, start=1):
        positions.setdefault(filename, (index, kind_word(kind)))
    out: dict[str, list[str]] = {}
    for where, kinds in places.items():
        key = _neutral(where, positions)
        merged = out.setdefault(key, [])
        merged.extend(k for k in kinds if k not in merged)
    return out


def _neutral(where: str, positions: dict[str, tuple[int, str]]) -> str:
    if where in ("subject", "body"):
        return where
    if not where.startswith("attachment:"):
        return "other"
    rest = where[len("attachment:"):]
    for name in sorted(positions, key=len, reverse=True):  # the longest name that fits
        if rest == name:
            detail = None
        elif rest.startswith(name + " (") and rest.endswith(")"):
            detail = rest[len(name) + 2:-1]
        else:
            continue
        index, kind = positions[name]
        details = neutral_detail(detail) if detail else []
        return f"attachment #{index} {kind}" + (f" ({', '.join(details)})" if details else "")
    return "other"


def kind_of(filename: str, content_type: str | None, data: bytes | None) -> str:
    """The attachment's kind as the email names it (``image``, ``pdf``, …; ``file`` if unknown)."""
    if data is not None:
        try:
            return detect_kind(filename, data, deep=False)
        except Exception:  # a kind is a courtesy in the email; never fail the job for it
            return "file"
    if content_type:
        major, _, minor = content_type.lower().partition("/")
        if major == "image":
            return "image"
        if minor == "pdf":
            return "pdf"
        if minor == "zip":
            return "zip"
    return "file"
