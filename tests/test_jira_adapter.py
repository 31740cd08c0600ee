"""JiraPlatform against the fake Jira site, through real HTTP and the real jira library."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from adapters.jira import JiraConfigError, JiraPlatform, RetryPolicy
from adapters.jira.text import adf_to_text, wiki_to_text
from bridge.platform import (
    Platform,
    PlatformRejected,
    PlatformUnavailable,
    TicketGone,
    WebhookInstaller,
    get_platform,
)
from tests.fakes.jira_server import FakeJira

ANNA = {"name": "Anna Svensson", "email": "anna.svensson@example.se", "locale": "sv_SE"}
FAST = RetryPolicy(attempts=3, base_wait=0.01, max_wait=0.05, max_retry_after=5)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeJira]:
    with FakeJira(timeout_delay=0.6) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "fake" in request.fixturenames:
        left = request.getfixturevalue("fake").reset_faults()
        assert not left, "a test injected faults it did not consume"


def platform(fake: FakeJira, **options: Any) -> JiraPlatform:
    options.setdefault("settle_seconds", 0)
    options.setdefault("timeout", 0.3)
    options.setdefault("retry", FAST)
    return JiraPlatform(fake.url, fake.email, fake.token, **options)


WIKI = """h1. Access to my account
Hi, I am *Anna Svensson*, mail [anna.svensson@example.se|mailto:anna.svensson@example.se].
My phone is +46 70 123 45 67 and my _personnummer_ is 19850101-1234.
{code:bash}
curl -u *user* https://example.se/x
{code}
||Field||Value||
|IBAN|SE45 5000 0000 0583 9825 7466|
* first point
** nested point
See [the portal|https://portal.example.se/r/1] !screenshot.png|thumbnail!"""

ADF = {
    "version": 1,
    "type": "doc",
    "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Access to my account"}]},
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "Hi, I am "},
                {"type": "text", "text": "Anna Svensson", "marks": [{"type": "strong"}]},
                {"type": "hardBreak"},
                {"type": "text", "text": "write to me", "marks": [{"type": "link", "attrs": {"href": "mailto:anna.svensson@example.se"}}]},
                {"type": "text", "text": " or ask "},
                {"type": "mention", "attrs": {"id": "5b10ac8d82e05b22cc7d4ef5", "text": "@Erik Agent"}},
            ],
        },
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "phone +46 70 123 45 67"}]}]},
                {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "born 1985-01-01"}]}]},
            ],
        },
        {"type": "codeBlock", "attrs": {"language": "text"}, "content": [{"type": "text", "text": "ssn=19850101-1234"}]},
        {
            "type": "table",
            "content": [
                {
                    "type": "tableRow",
                    "content": [
                        {"type": "tableHeader", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "IBAN"}]}]},
                        {"type": "tableCell", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "SE45 5000 0000 0583 9825 7466"}]}]},
                    ],
                }
            ],
        },
    ],
}


# ---------------------------------------------------------------------- text conversion


@pytest.mark.parametrize(
    "markup, expected",
    [
        ("*bold* and _italic_ and -struck- and +added+", "bold and italic and struck and added"),
        ("mail first_last@example.com or x-y-z@example.com", "mail first_last@example.com or x-y-z@example.com"),
        ("call +46 70-123 45 67 or -5- degrees", "call +46 70-123 45 67 or -5- degrees"),
        ("[Anna|mailto:anna@example.se] and [https://example.se]", "Anna (anna@example.se) and https://example.se"),
        ("{noformat}*kept* [as|is]{noformat}", "*kept* [as|is]"),
        ("||a||b||\n|1|[x|http://y]|", "a | b\n1 | x (http://y)"),
        ("h3. Title\nbq. quoted\n----\n# one\n## two", "Title\nquoted\n\n1. one\n  1. two"),
        ("{color:red}red{color} {{mono}} ??cite?? [~accountid:abc123]", "red mono cite @abc123"),
    ],
)
def test_wiki_markup_becomes_plain_text(markup: str, expected: str) -> None:
    assert wiki_to_text(markup) == expected


def test_adf_becomes_plain_text() -> None:
    text = adf_to_text(ADF)
    assert text.splitlines() == [
        "Access to my account",
        "Hi, I am Anna Svensson",
        "write to me (anna.svensson@example.se) or ask @Erik Agent",
        "- phone +46 70 123 45 67",
        "- born 1985-01-01",
        "ssn=19850101-1234",
        "IBAN | SE45 5000 0000 0583 9825 7466",
    ]


def test_adf_tolerates_junk() -> None:
    assert adf_to_text(None) == ""
    assert adf_to_text({"type": "doc", "content": [{"type": "unknownThing", "text": "kept"}, "junk", {"type": "rule"}]}) == "kept"


# ---------------------------------------------------------------------- fetch


def test_fetch_v2_wiki_description_and_jsm_customer(fake: FakeJira) -> None:
    key = fake.add_issue(
        "SD", "Cannot log in", WIKI, reporter=ANNA, labels=["portal"], request_fields={"Customer number": "C-99812"}
    )
    ticket = platform(fake).fetch_ticket(key)

    assert ticket.id == key and ticket.platform == "jira" and ticket.project == "SD"
    assert ticket.subject == "Cannot log in"
    assert ticket.tags == ["portal"]
    assert "Hi, I am Anna Svensson, mail anna.svensson@example.se." in ticket.body
    assert "+46 70 123 45 67" in ticket.body and "19850101-1234" in ticket.body
    assert "curl -u *user* https://example.se/x" in ticket.body  # {code} kept literally
    assert "IBAN | SE45 5000 0000 0583 9825 7466" in ticket.body
    assert "the portal (https://portal.example.se/r/1)" in ticket.body
    assert "Customer number: C-99812" in ticket.body  # JSM form field beyond the description
    for markup in ("h1.", "||", "{code", "*Anna", "[the portal"):
        assert markup not in ticket.body
    # The customer: e-mail from servicedeskapi (/rest/api hides it for customers), locale from /user.
    assert ticket.requester.email == ANNA["email"]
    assert ticket.requester.name == ANNA["name"]
    assert ticket.requester.locale == "sv-SE"
    assert fake.calls("GET", rf"^/rest/servicedeskapi/request/{key}$")
    assert ticket.created_at is not None and ticket.created_at.tzinfo is not None
    assert fake.calls("GET", rf"^/rest/api/2/issue/{key}$")


def test_fetch_v3_adf_description(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "ADF please", ADF, reporter=ANNA, description_format="adf")
    ticket = platform(fake, rest_api_version="3").fetch_ticket(key)
    assert fake.calls("GET", rf"^/rest/api/3/issue/{key}$")
    assert "write to me (anna.svensson@example.se) or ask @Erik Agent" in ticket.body
    assert "- phone +46 70 123 45 67" in ticket.body
    assert "ssn=19850101-1234" in ticket.body
    assert "IBAN | SE45 5000 0000 0583 9825 7466" in ticket.body
    assert '"type"' not in ticket.body


def test_fetch_outside_jsm_falls_back_to_the_reporter(fake: FakeJira) -> None:
    key = fake.add_issue(
        "DEV", "Bug", "plain words", reporter={"name": "Dev Eloper", "email": "dev@example.com", "locale": "de_DE"}
    )
    ticket = platform(fake).fetch_ticket(key)
    assert ticket.project == "DEV"
    assert ticket.requester.email == "dev@example.com"
    assert ticket.requester.name == "Dev Eloper"
    assert ticket.requester.locale == "de-DE"
    assert ticket.body == "plain words"


def test_fetch_attachments(fake: FakeJira) -> None:
    key = fake.add_issue(
        "SD", "Files", "see files", reporter=ANNA,
        attachments=[("passport.jpg", b"\xff\xd8\xff" + b"x" * 100, "image/jpeg"), ("notes.txt", b"hello", "text/plain")],
    )
    ticket = platform(fake).fetch_ticket(key)
    assert [(a.filename, a.content_type, a.size) for a in ticket.attachments] == [
        ("passport.jpg", "image/jpeg", 103),
        ("notes.txt", "text/plain", 5),
    ]
    assert all(a.id.isdigit() and a.url for a in ticket.attachments)


def test_late_attachment_is_picked_up_by_settling(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "Upload follows", "see attachment", reporter=ANNA, attachments=[("a.txt", b"a", "text/plain")])
    fake.add_attachment_later(key, "id-card.png", b"\x89PNG....", "image/png", after_seconds=0.3)
    started = time.monotonic()
    ticket = platform(fake, settle_seconds=0.6, settle_poll=0.1).fetch_ticket(key)
    elapsed = time.monotonic() - started
    assert [a.filename for a in ticket.attachments] == ["a.txt", "id-card.png"]
    assert 0.8 <= elapsed < 3.0  # waited until the list had been still for 0.6 s after the upload


def test_without_settling_the_late_attachment_is_missed(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "Upload follows", "see attachment", reporter=ANNA)
    fake.add_attachment_later(key, "id-card.png", b"\x89PNG....", "image/png", after_seconds=0.5)
    ticket = platform(fake, settle_seconds=0).fetch_ticket(key)
    assert ticket.attachments == []


def test_settling_is_bounded(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "Endless uploads", "x", reporter=ANNA)
    for n in range(1, 8):
        fake.add_attachment_later(key, f"{n}.txt", b"x", "text/plain", after_seconds=0.15 * n)
    started = time.monotonic()
    platform(fake, settle_seconds=0.4, settle_poll=0.05, settle_max=0.6).fetch_ticket(key)
    assert time.monotonic() - started < 1.2


def test_an_old_quiet_issue_is_not_waited_for(fake: FakeJira) -> None:
    created = datetime.now(timezone.utc) - timedelta(hours=2)
    key = fake.add_issue("SD", "Old", "x", reporter=ANNA, created=created)
    started = time.monotonic()
    platform(fake, settle_seconds=5).fetch_ticket(key)
    assert time.monotonic() - started < 1.0
    assert len(fake.calls("GET", rf"^/rest/api/2/issue/{key}$")) == 1


# ---------------------------------------------------------------------- delete


def test_delete_with_subtasks_is_confirmed(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "With subtasks", "x", reporter=ANNA, subtasks=2)
    subtasks = fake.subtasks(key)
    result = platform(fake).delete_ticket(key)

    assert result.ticket_id == key and result.permanent is True
    assert result.confirmation == "issue deleted (GET 404)"
    assert set(fake.deleted) >= {key, *subtasks}
    deletes = fake.calls("DELETE", r"^/rest/api/2/issue/\d+$")
    assert any("deletesubtasks=true" in c.query.lower() for c in deletes)
    with pytest.raises(TicketGone):
        platform(fake).fetch_ticket(key)


def test_fake_refuses_to_delete_subtasks_without_the_flag(fake: FakeJira) -> None:
    import httpx

    key = fake.add_issue("SD", "With subtasks", "x", reporter=ANNA, subtasks=1)
    answer = httpx.delete(f"{fake.url}/rest/api/2/issue/{key}", auth=(fake.email, fake.token))
    assert answer.status_code == 400 and key in fake.issues


def test_delete_whose_answer_was_lost_is_still_confirmed(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "Lost answer", "x", reporter=ANNA)
    issue_id = fake.issues[key].id
    # The DELETE is carried out after the client gave up; the next look is rate limited until it is done.
    fake.inject(rf"/issue/{issue_id}$", "DELETE", ["timeout"])
    fake.inject(rf"/issue/{key}$", "GET", ["pass", (429, {"Retry-After": "1"})])
    result = platform(fake).delete_ticket(key)
    assert result.permanent and key in fake.deleted
    assert len(fake.calls("DELETE", rf"/issue/{issue_id}$")) == 1  # confirmed by looking, not by deleting again


# ---------------------------------------------------------------------- retries and errors


def test_503_and_connection_reset_are_retried(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "Flaky", "x", reporter=ANNA)
    fake.inject(rf"^/rest/api/2/issue/{key}$", "GET", [(503, {}), "reset"])
    assert platform(fake).fetch_ticket(key).subject == "Flaky"
    assert len(fake.calls("GET", rf"^/rest/api/2/issue/{key}$")) == 3


def test_timeouts_are_retried(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "Slow", "x", reporter=ANNA)
    fake.inject(rf"^/rest/servicedeskapi/request/{key}$", "GET", ["timeout"])
    assert platform(fake).fetch_ticket(key).requester.email == ANNA["email"]
    assert len(fake.calls("GET", rf"^/rest/servicedeskapi/request/{key}$")) == 2


def test_exhausted_retries_raise_unavailable_without_secrets(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "Down", "secret words", reporter=ANNA)
    fake.inject(rf"^/rest/api/2/issue/{key}$", "GET", [(503, {}), (502, {}), (504, {})])
    with pytest.raises(PlatformUnavailable) as caught:
        platform(fake).fetch_ticket(key)
    message = str(caught.value)
    assert "504" in message and key in message
    for secret in (fake.token, fake.email, "secret words", "Authorization"):
        assert secret not in message
    assert caught.value.__suppress_context__  # the JIRAError (headers, body) is not chained into logs


# ---------------------------------------------------------------------- review notes


def test_the_library_does_not_retry_posts(fake: FakeJira) -> None:
    key = fake.add_issue("SD", "No double posts", "x", reporter=ANNA)
    fake.inject(rf"^/rest/api/2/issue/{key}/comment$", "POST", [(429, {"Retry-After": "1"})])
    jira = platform(fake, retry=RetryPolicy(attempts=1))
    with pytest.raises(PlatformUnavailable):
        jira.mark_for_review(key, "note", "gdpr-review")
    assert len(fake.calls("POST", rf"^/rest/api/2/issue/{key}/comment$")) == 1
    assert fake.comments(key) == []


# ---------------------------------------------------------------------- created_since


@pytest.mark.parametrize("deployment, path", [("Cloud", "/search/jql"), ("Server", "/search")])
def test_created_since_pages_through_search(deployment: str, path: str) -> None:
    with FakeJira(deployment=deployment, time_zone="Europe/Stockholm", jsm_projects=("SD", "HR")) as site:
        since = datetime(2025, 3, 1, 10, 0, 30, tzinfo=timezone.utc)
        site.add_issue("SD", "before", created=since - timedelta(days=1))
        site.add_issue("SD", "same minute, earlier", created=since - timedelta(seconds=20))
        expected = [
            site.add_issue(project, f"after {n}", created=since + timedelta(minutes=n))
            for n, project in enumerate(["SD", "HR", "SD", "HR", "SD"])
        ]
        jira = JiraPlatform(site.url, site.email, site.token, settle_seconds=0, page_size=2, retry=FAST, timeout=2)

        assert list(jira.created_since(since)) == expected

        searches = site.calls("GET", rf"^/rest/api/2{path}$")
        assert len(searches) == 3  # 6 matching issues (one dropped client-side), 2 per page
        # JQL dates are read in the API user's time zone (Stockholm is UTC+1 in March).
        assert "2025%2F03%2F01+11%3A00" in searches[0].query

        scoped = JiraPlatform(site.url, site.email, site.token, settle_seconds=0, scope_jql="project = HR ORDER BY key", retry=FAST)
        assert list(scoped.created_since(since)) == [expected[1], expected[3]]


# ---------------------------------------------------------------------- installer


def test_install_is_idempotent_and_keeps_the_secret_unless_rotated(fake: FakeJira) -> None:
    fake.webhooks.clear()
    jira = platform(fake)
    public = "https://bridge.example.org/"

    first = jira.install_webhook(public, jql="project = SD")
    assert first.created is True
    hook = fake.webhooks[int(first.webhook_id)]
    assert hook["url"] == "https://bridge.example.org/webhooks/jira"
    assert hook["events"] == ["jira:issue_created", "comment_created", "jira:issue_updated"]
    assert hook["filters"] == {"issue-related-events-section": "project = SD"}
    assert hook["excludeBody"] is False
    secret = first.env["JIRA_WEBHOOK_SECRET"]
    assert hook["secret"] == secret and len(secret) >= 32

    # Run again without the secret at hand: nothing to change, so nothing is written.
    writes = len(fake.calls("PUT", r"^/rest/webhooks/"))
    again = jira.install_webhook(public, jql="project = SD", clear_tag="gdpr-clear")
    assert again.created is False and again.webhook_id == first.webhook_id and again.env == {}
    assert len(fake.calls("PUT", r"^/rest/webhooks/")) == writes
    assert fake.webhooks[int(first.webhook_id)]["secret"] == secret
    assert any("Kept the webhook's signing secret" in m for m in again.messages)
    assert any("gdpr-clear" in m for m in again.messages)

    # With the bridge's secret at hand (JIRA_WEBHOOK_SECRET), a changed webhook keeps it.
    knowing = platform(fake, webhook_secret=secret)
    moved = knowing.install_webhook(public, jql="project = HR")
    assert moved.env == {"JIRA_WEBHOOK_SECRET": secret} and len(fake.webhooks) == 1
    assert fake.webhooks[int(first.webhook_id)]["secret"] == secret
    assert fake.webhooks[int(first.webhook_id)]["filters"] == {"issue-related-events-section": "project = HR"}

    rotated = knowing.install_webhook(public, jql="project = HR", rotate_secret=True)
    new_secret = rotated.env["JIRA_WEBHOOK_SECRET"]
    assert new_secret != secret and fake.webhooks[int(first.webhook_id)]["secret"] == new_secret
    for message in first.messages + again.messages + moved.messages + rotated.messages:
        assert secret not in message and new_secret not in message

    assert jira.webhook_status(public) == first.webhook_id
    assert jira.webhook_status(public + "webhooks/jira") == first.webhook_id  # the endpoint itself works too
    assert jira.webhook_status("https://elsewhere.example.org") is None
    removed = jira.remove_webhook(public)
    assert len(removed) == 1 and fake.webhooks == {}
    assert jira.webhook_status(public) is None
    assert jira.remove_webhook(public) == []


def test_a_webhook_that_must_change_while_its_secret_is_unknown_gets_a_new_one(fake: FakeJira) -> None:
    fake.webhooks.clear()
    first = platform(fake).install_webhook("https://bridge.example.org")
    moved = platform(fake).install_webhook("https://gdpr.example.org/webhooks/jira")
    assert moved.webhook_id == first.webhook_id and len(fake.webhooks) == 1
    hook = fake.webhooks[int(first.webhook_id)]
    assert hook["url"] == "https://gdpr.example.org/webhooks/jira"  # not doubled
    assert hook["secret"] == moved.env["JIRA_WEBHOOK_SECRET"] != first.env["JIRA_WEBHOOK_SECRET"]
    assert any("new signing secret" in m for m in moved.messages)
    fake.webhooks.clear()


def test_install_folds_duplicates_into_one(fake: FakeJira) -> None:
    import httpx

    fake.webhooks.clear()
    for _ in range(2):
        httpx.post(
            f"{fake.url}/rest/webhooks/1.0/webhook",
            json={"name": "gdpr-bridge", "url": "https://old.example.org/webhooks/jira", "events": ["jira:issue_created"]},
            auth=(fake.email, fake.token),
        ).raise_for_status()
    result = platform(fake).install_webhook("https://bridge.example.org")
    assert result.created is False
    assert list(fake.webhooks) == [int(result.webhook_id)]
    assert fake.webhooks[int(result.webhook_id)]["url"] == "https://bridge.example.org/webhooks/jira"
    fake.webhooks.clear()


def test_install_without_admin_rights_is_rejected() -> None:
    with FakeJira(admin=False) as site:
        jira = JiraPlatform(site.url, site.email, site.token, retry=FAST)
        with pytest.raises(PlatformRejected) as caught:
            jira.install_webhook("https://bridge.example.org")
        assert "403" in str(caught.value)
        assert site.webhooks == {}


def test_install_rejects_unknown_options(fake: FakeJira) -> None:
    with pytest.raises(ValueError, match="unknown"):
        platform(fake).install_webhook("https://bridge.example.org", colour="blue")


def test_check_credentials(fake: FakeJira) -> None:
    assert "GDPR Bridge Bot" in platform(fake).check_credentials()


# ---------------------------------------------------------------------- configuration


def test_from_env_names_what_is_missing() -> None:
    with pytest.raises(JiraConfigError) as caught:
        JiraPlatform.from_env({"JIRA_URL": "https://x.atlassian.net"})
    assert "JIRA_EMAIL" in str(caught.value) and "JIRA_API_TOKEN" in str(caught.value)
    with pytest.raises(JiraConfigError, match="JIRA_SETTLE_SECONDS"):
        JiraPlatform.from_env(
            {"JIRA_URL": "https://x.atlassian.net", "JIRA_EMAIL": "a@b.c", "JIRA_API_TOKEN": "t", "JIRA_SETTLE_SECONDS": "soon"}
        )


def test_registry_builds_the_platform(fake: FakeJira) -> None:
    jira = get_platform(
        "jira",
        {"JIRA_URL": fake.url, "JIRA_EMAIL": fake.email, "JIRA_API_TOKEN": fake.token, "JIRA_SETTLE_SECONDS": "0.25", "JIRA_SCOPE_JQL": "project = SD"},
    )
    assert isinstance(jira, JiraPlatform) and isinstance(jira, Platform) and isinstance(jira, WebhookInstaller)
    assert jira.settle_seconds == 0.25 and jira.scope_jql == "project = SD"


def test_importing_the_adapter_does_not_import_the_jira_library() -> None:
    root = Path(__file__).resolve().parents[1]
    probe = "import sys, adapters.jira; print('jira' in sys.modules, 'requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
