"""The channel of a ticket, and closing one, through each adapter over real HTTP against
the fake Zendesk and Jira (issue 16.4): Zendesk's ``via.channel`` and JSM's request channel
(issue property ``request.channel.type``) arrive normalised in ``Ticket.channel``."""

from __future__ import annotations

from typing import Iterator

import pytest

from adapters.jira import JiraPlatform, RetryPolicy
from adapters.zendesk import ZendeskPlatform
from bridge.platform import TicketCloser, TicketGone
from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk

ANNA = {"name": "Anna Svensson", "email": "anna.svensson@example.se", "locale": "sv"}
NOTE = "gdpr-bridge closed this ticket: it arrived by email, a channel the rules do not accept."
ZD_FAST = {"ZENDESK_TIMEOUT_SECONDS": "2", "ZENDESK_RETRY_ATTEMPTS": "3", "ZENDESK_RETRY_BASE_SECONDS": "0.02",
           "ZENDESK_RETRY_MAX_SECONDS": "1"}


@pytest.fixture(autouse=True)
def _restore_zenpy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZENPY_FORCE_NETLOC", raising=False)
    monkeypatch.delenv("ZENPY_FORCE_SCHEME", raising=False)


@pytest.fixture(scope="module")
def zendesk() -> Iterator[FakeZendesk]:
    with FakeZendesk() as server:
        yield server


@pytest.fixture(scope="module")
def jira_site() -> Iterator[FakeJira]:
    with FakeJira(jsm_projects=("SD",)) as server:
        yield server


@pytest.fixture
def zd(zendesk: FakeZendesk) -> Iterator[ZendeskPlatform]:
    platform = ZendeskPlatform.from_env(zendesk.env(**ZD_FAST))
    yield platform
    platform.close()


@pytest.fixture
def jira(jira_site: FakeJira) -> Iterator[JiraPlatform]:
    platform = JiraPlatform(jira_site.url, jira_site.email, jira_site.token, settle_seconds=0, timeout=2,
                            retry=RetryPolicy(attempts=3, base_wait=0.01, max_wait=0.05, max_retry_after=5))
    yield platform
    platform.close()


@pytest.mark.parametrize("via, channel", [("email", "email"), ("web", "web"), ("chat", "chat"), ("api", "api"),
                                          ("voice", "phone"), ("native_messaging", "messaging"),
                                          ("twitter", "social"), ("sample_ticket", "other"), (4, "email")])
def test_zendesk_via_channel_arrives_normalised(zendesk: FakeZendesk, zd: ZendeskPlatform, via: object,
                                                channel: str) -> None:
    ticket_id = zendesk.add_ticket("Export", "The export fails.", requester=ANNA)
    zendesk.set_channel(ticket_id, via)  # type: ignore[arg-type]
    assert zd.fetch_ticket(str(ticket_id)).channel == channel


def test_a_zendesk_ticket_as_seeded_came_from_the_web_form(zendesk: FakeZendesk, zd: ZendeskPlatform) -> None:
    assert zd.fetch_ticket(str(zendesk.add_ticket("Export", "Fails.", requester=ANNA))).channel == "web"


@pytest.mark.parametrize("value, channel", [("email", "email"), ("portal", "portal"), ("anonymousportal", "portal"),
                                            ("api", "api"), ("jira", "agent"), ("some-app-channel", "other")])
def test_jsm_request_channel_arrives_normalised(jira_site: FakeJira, jira: JiraPlatform, value: str,
                                                channel: str) -> None:
    key = jira_site.add_issue("SD", "Export", "The export fails.", reporter=ANNA)
    jira_site.set_channel(key, value)
    assert jira.fetch_ticket(key).channel == channel


def test_jsm_requests_default_to_the_portal_and_plain_jira_issues_have_no_channel(jira_site: FakeJira,
                                                                                   jira: JiraPlatform) -> None:
    assert jira.fetch_ticket(jira_site.add_issue("SD", "Export", "Fails.", reporter=ANNA)).channel == "portal"
    assert jira.fetch_ticket(jira_site.add_issue("DEV", "Export", "Fails.", reporter=ANNA)).channel is None


def test_zendesk_close_solves_with_one_private_note_and_an_assignee(zendesk: FakeZendesk, zd: ZendeskPlatform) -> None:
    assert isinstance(zd, TicketCloser)
    ticket_id = zendesk.add_ticket("Export", "The export fails.", requester=ANNA)
    zd.close_ticket(str(ticket_id), NOTE)
    zd.close_ticket(str(ticket_id), NOTE)  # a retried job: nothing new
    ticket = zendesk.tickets[ticket_id]
    assert ticket["status"] == "solved" and ticket["assignee_id"] == zendesk.me_id  # Zendesk will not solve unassigned
    notes = [c for c in zendesk.comments(ticket_id) if c["body"] == NOTE]
    assert len(notes) == 1 and notes[0]["public"] is False  # no public reply: it would mail the thread out
    with pytest.raises(TicketGone):
        zd.close_ticket("99999999", NOTE)


def test_jira_close_resolves_through_the_workflow_with_one_internal_comment(jira_site: FakeJira,
                                                                            jira: JiraPlatform) -> None:
    assert isinstance(jira, TicketCloser)
    key = jira_site.add_issue("SD", "Export", "The export fails.", reporter=ANNA)
    jira.close_ticket(key, NOTE)
    jira.close_ticket(key, NOTE)  # done already: no second transition, no second comment
    assert jira_site.issues[key].status == "Resolved"
    notes = [c for c in jira_site.comments(key) if c["body"] == NOTE]
    assert len(notes) == 1 and notes[0]["internal"] is True
    assert len(jira_site.calls("POST", rf"/issue/{key}/transitions$")) == 1
