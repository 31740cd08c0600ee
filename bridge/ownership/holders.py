"""The four holders a finding can have; only a third party's data counts."""

REQUESTER = "requester"
ORGANISATION = "organisation"
SYSTEM = "system"
THIRD_PARTY = "third_party"
HOLDERS = (REQUESTER, ORGANISATION, SYSTEM, THIRD_PARTY)
