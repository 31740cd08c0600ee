"""Technical user@host strings: git remotes, ssh and scp logins, SIP URIs, Message-IDs and
Call-IDs (also in prose: "(Message-ID <...>)"). Judged by what stands around the value, by a
host that is no mail domain, and by local parts no mail provider gives out."""

from __future__ import annotations

import re

_BEFORE = re.compile(
    r"(?:\bsips?:|\b(?:ssh|scp|sftp|rsync|mosh|telnet|git\s+clone|git\s+remote\s+add\s+\S+|git\s+push|git\s+pull)\s+(?:-\S+\s+)*"
    r"|(?:Message-ID|In-Reply-To|References|Call-ID|i|Content-ID|X-[\w-]+)\s*:\s*<?(?:[^\s<>@]*=)?|\bcid:|\bssh://|\bgit\+ssh://"
    # in prose, without a colon but in angle brackets, maybe after other ids: "(Message-ID <...>)", "References <a> <b>"
    r"|\b(?:Message-ID|In-Reply-To|References|Content-ID)\s*:?\s*(?:<[^\s<>]+>\s*)*<"
    # the tail of an identifier in angle brackets that a "key=" split read left off: <CAF3x9=Q7a@mail...>
    r"|<[^\s<>=@]+=)$",
    re.IGNORECASE,
)
_AFTER = re.compile(r"^:[\w~./-]")  # git@github.com:org/repo.git, user@host:/path
_LOCAL_TECH = re.compile(
    r"[=$%{}]|^[0-9a-f]{8}-[0-9a-f]{4}-"
    # a hex token with a dotted number ("3fa9c0de.7731"): how mailers and CI servers make message ids
    r"|^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}(?:\.\d+)+$",
    re.IGNORECASE,
)
_INTERNAL_HOST = re.compile(r"(?:^[^.]+$|\.(?:local|internal|lan|corp|intra|localdomain|svc|cluster)$|^\d+(?:\.\d+){3}$)")


def technical(value: str, before: str, after: str) -> str | None:
    """Why ``value`` (an address-like string) is technical, or None."""
    local, _, host = value.strip().rpartition("@")
    if _BEFORE.search(before):
        return "a technical user@host string (git, ssh, SIP, Message-ID or Call-ID)"
    if _AFTER.match(after):
        return "a technical user@host string (a login with a path or port)"
    if host and _INTERNAL_HOST.search(host.casefold()):
        return "a user on an internal host, not a mail address"
    if local and _LOCAL_TECH.search(local):
        return "a message or call identifier, not a mail address"
    return None
