"""Attachment file names and archive member paths as text to scan.

A file named ``payslip_Anna_Berg_811218-9876.txt`` holds a name and an identifier. Names
join their words with ``_``, ``+`` and path separators, which would glue them into one
``\\w`` run for the recognizers; those become spaces (one character for one, so offsets
stay those of the name). The place of such a part is ``attachment-name:<n>`` (the n-th
attachment): a place never spells out a file name, since what is found there goes into
the requester's email.
"""

from __future__ import annotations

import re

NAME_PLACE = "attachment-name"
MEMBER_NAME_DETAIL = "name of archive member"  # detail of an archive member's path: "... <n>"
_JOINERS = re.compile(r"[_+/\\]")
# the dot before an extension: "anna.berg84@gmail.com.png" is an address and a kind of file
_EXTENSION_DOT = re.compile(r"\.(?=[A-Za-z0-9]{1,5}(?:$|[ _+/\\]))")


def name_as_text(name: str) -> str:
    """``payslip_Anna_Berg.txt`` -> ``payslip Anna Berg txt`` (same length)."""
    return _EXTENSION_DOT.sub(" ", _JOINERS.sub(" ", name))


def name_place(number: int) -> str:
    """The place of the ``number``-th attachment's (1-based) file name."""
    return f"{NAME_PLACE}:{number}"
