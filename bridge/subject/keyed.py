"""The keyed hash that stands for an e-mail address in the audit.

HMAC-SHA256 with a secret key (``BRIDGE_SUBJECT_HASH_KEY``): without the key nobody can
test guesses of addresses against the audit; with it, ``subject check`` answers "was this
address erased?" by hashing the address again.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{1,63}$")


def normalise(email: str) -> str:
    """The form that is searched and hashed: trimmed, case-folded."""
    return email.strip().casefold()


def is_address(email: str) -> bool:
    return bool(_ADDRESS.match(normalise(email)))


def address_hash(key: str, email: str) -> str:
    """``hmac-sha256:<hex>`` of the normalised address under ``key``."""
    digest = hmac.new(key.encode("utf-8"), normalise(email).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{digest}"
