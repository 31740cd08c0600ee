"""The key a job, its lease and its audit rows are filed under.

A ticket's job is keyed by its ticket id; a comment's job by ``<ticket id>/comment/<comment
id>`` in the same column, so that the job store, the audit trail (steps are recorded once per
key) and the delivery memory dedupe each comment on its own without a second table. No
platform's ticket or comment id holds a slash.
"""

from __future__ import annotations

SEPARATOR = "/comment/"


def comment_key(ticket_id: str, comment_id: str) -> str:
    """``1001`` and ``77`` -> ``1001/comment/77``."""
    ticket_id, comment_id = str(ticket_id), str(comment_id)
    if SEPARATOR in ticket_id or "/" in comment_id:
        raise ValueError("a ticket or comment id holds a slash")
    return f"{ticket_id}{SEPARATOR}{comment_id}"


def split_key(key: str) -> tuple[str, str | None]:
    """``1001/comment/77`` -> (``1001``, ``77``); a ticket's key -> (key, None)."""
    ticket_id, sep, comment_id = key.partition(SEPARATOR)
    return (ticket_id, comment_id) if sep else (key, None)


def is_comment_key(key: str) -> bool:
    return SEPARATOR in key
