"""E-mail addresses (a public suffix; shared mailboxes are judged by the policy).

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.findings import Finding
from bridge.platform import Requester, Ticket
from bridge.policy import exemption
from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "EMAIL_ADDRESS"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # email
    ("en", "She asked to be contacted at jane.doe84@gmail.com.", "jane.doe84@gmail.com"),
    ("sv", "Skicka till erik.s@telia.se tack.", "erik.s@telia.se"),
    ("de", "Die Adresse ist anna.b@web.de.", "anna.b@web.de"),
    ("en", "Logged in as admin@localhostnotadomain", None),  # no public suffix
    # reserved example and test names (RFC 2606): test data puts people there
    ("en", "Her address is maja.lind@kommun.example now.", "maja.lind@kommun.example"),
    ("de", "Bitte an jonas.weber@firma.test schicken.", "jonas.weber@firma.test"),
    # a log's key=value: the address starts after the "="
    ("en", "06:41:07 auth=sso user=r.pellow@example-foods.co.uk result=OK", {"r.pellow@example-foods.co.uk"}),
    ("de", "login ok; benutzer=k.brandt@web.de", {"k.brandt@web.de"}),
    # a message id with "=" in it is not a key=value: it stays whole (and is judged technical)
    ("en", "Message-ID: <CAF3x9=Q7a@mail.gmail.com>", "!Q7a@mail.gmail.com"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


def email(value: str) -> Finding:
    return Finding("EMAIL_ADDRESS", "body", 0, len(value), 1.0, "test", value=value)


TICKET = Ticket(id="1", platform="test", subject="s", body="b", requester=Requester(name="Ann Lee"))


@pytest.mark.parametrize("address", ["rota@acme-care.example.org", "roster@acme.co.uk", "planning@acme.de",
                                     "schichtplan@pflege.de", "bemanning@vard.se", "rota-north@acme.co.uk"])
def test_team_mailboxes_are_not_personal(rules: Rules, address: str) -> None:
    assert exemption(email(address), TICKET, rules) == "role mailbox"


@pytest.mark.parametrize("address", ["rosa.tan@acme.co.uk", "rtan@acme.co.uk", "planner.jo@acme.de"])
def test_personal_mailboxes_still_count(rules: Rules, address: str) -> None:
    assert exemption(email(address), TICKET, rules) is None
