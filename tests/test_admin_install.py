"""`gdpr-bridge install` as an admin runs it, against the fake Zendesk and Jira servers:
create once, run again without duplicating, remove, and the Zendesk notification gate."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from bridge.cli import cli
from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_URL = "https://bridge.acme.example"


@pytest.fixture(scope="module")
def zendesk() -> Iterator[FakeZendesk]:
    with FakeZendesk() as fake:
        yield fake


@pytest.fixture(scope="module")
def jira() -> Iterator[FakeJira]:
    with FakeJira() as fake:
        yield fake


@pytest.fixture(autouse=True)
def fresh_accounts(zendesk: FakeZendesk, jira: FakeJira) -> Iterator[None]:
    """Each test starts with no webhook or trigger, even when the one before failed halfway."""
    yield
    with zendesk._lock:
        zendesk.webhooks.clear()
        zendesk.triggers.clear()
        zendesk.signing_secrets.clear()
    jira.webhooks.clear()


def rules_with_clear_tag(folder: Path, tag: str | None) -> Path:
    target = folder / "rules.yaml"
    text = (ROOT / "rules.yaml").read_text()
    if tag:
        text, n = re.subn(r"(?m)^  clear_tag: null", f"  clear_tag: {tag}", text)
        assert n == 1
    target.write_text(text)
    return target


@pytest.fixture()
def env(tmp_path: Path, zendesk: FakeZendesk, jira: FakeJira) -> dict[str, str]:
    return {**zendesk.env(), "JIRA_URL": jira.url, "JIRA_EMAIL": jira.email, "JIRA_API_TOKEN": jira.token,
            "BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_RULES": str(rules_with_clear_tag(tmp_path, None)),
            "BRIDGE_PUBLIC_URL": ""}


def run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def ours(fake: FakeZendesk) -> tuple[list[dict], list[dict]]:
    hooks = [h for h in fake.webhooks.values() if h["endpoint"] == f"{PUBLIC_URL}/webhooks/zendesk"]
    triggers = [t for t in fake.triggers.values() if t["title"].startswith("gdpr-bridge")]
    return hooks, triggers


def test_install_zendesk_twice_gives_one_webhook_and_trigger_and_remove_undoes_it(env, zendesk) -> None:
    first = run(env, "install", "zendesk", "--url", PUBLIC_URL)
    hooks, triggers = ours(zendesk)
    assert len(hooks) == 1 and len(triggers) == 2  # ticket created, comment added
    hook_id = hooks[0]["id"]
    assert f"created webhook {hook_id} on zendesk -> {PUBLIC_URL}/webhooks/zendesk" in first
    assert f"ZENDESK_WEBHOOK_SECRET={zendesk.signing_secrets[hook_id]}" in first
    created, commented = sorted(triggers, key=lambda t: t["title"] != "gdpr-bridge: ticket created")
    [action] = created["actions"]  # fires the webhook with the ticket id only: no content in Zendesk's logs
    assert action["field"] == "notification_webhook" and action["value"][0] == hook_id
    assert action["value"][1] == '{"ticket_id": "{{ticket.id}}"}'
    [action] = commented["actions"]  # and with ids only for an added comment
    assert action["value"] == [hook_id, '{"ticket_id": "{{ticket.id}}", "comment_id": "{{ticket.latest_comment.id}}"}']

    second = run(env, "install", "zendesk", "--url", PUBLIC_URL + "/")  # a trailing slash is the same bridge
    assert ours(zendesk)[0][0]["id"] == hook_id and [len(x) for x in ours(zendesk)] == [1, 2]
    assert "already up to date" in second and "created" not in second
    assert f"ZENDESK_WEBHOOK_SECRET={zendesk.signing_secrets[hook_id]}" in second

    removed = run(env, "install", "zendesk", "--url", PUBLIC_URL, "--remove")
    assert f"webhook {hook_id}" in removed and all(f"trigger {t['id']}" in removed for t in triggers)
    assert ours(zendesk) == ([], [])
    assert "nothing was installed" in run(env, "install", "zendesk", "--url", PUBLIC_URL, "--remove")


def test_install_writes_secret_to_env_file_not_the_terminal(env, zendesk, tmp_path) -> None:
    env_file = tmp_path / "bridge.env"
    out = run(env, "install", "zendesk", "--url", PUBLIC_URL, "--env-file", str(env_file))
    [hook] = ours(zendesk)[0]
    secret = zendesk.signing_secrets[hook["id"]]
    assert secret not in out and str(env_file) in out
    assert env_file.read_text() == f"ZENDESK_WEBHOOK_SECRET={secret}\n"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_gate_notifications_changes_the_requester_trigger_only_when_asked(env, zendesk, tmp_path) -> None:
    notify = zendesk.add_trigger(
        "Notify requester of new request",
        {"all": [{"field": "update_type", "operator": "is", "value": "Create"}], "any": []},
        [{"field": "notification_user", "value": ["requester_id", "Request received", "{{ticket.description}}"]}],
    )
    env = {**env, "BRIDGE_RULES": str(rules_with_clear_tag(tmp_path, "gdpr-cleared"))}
    before = repr(zendesk.triggers[notify])

    explained = run(env, "install", "zendesk", "--url", PUBLIC_URL)
    assert f"to change: trigger {notify}" in explained
    assert repr(zendesk.triggers[notify]) == before  # explained, not touched

    gated = run(env, "install", "zendesk", "--url", PUBLIC_URL, "--gate-notifications")
    assert f"changed trigger {notify}" in gated
    conditions = zendesk.triggers[notify]["conditions"]["all"]
    assert {"field": "update_type", "operator": "is", "value": "Change"} in conditions
    assert {"field": "current_tags", "operator": "includes", "value": "gdpr-cleared"} in conditions
    assert [len(x) for x in ours(zendesk)] == [1, 2]
    assert f"trigger {notify} 'Notify requester of new request' already waits" in run(
        env, "install", "zendesk", "--url", PUBLIC_URL, "--gate-notifications")

    run(env, "install", "zendesk", "--url", PUBLIC_URL, "--remove")
    assert notify in zendesk.triggers  # remove takes only what install created


def test_gate_notifications_refused_without_clear_tag_or_on_jira(env, zendesk) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["install", "zendesk", "--url", PUBLIC_URL, "--gate-notifications"], env=env)
    assert result.exit_code == 2 and "actions.clear_tag" in result.output
    result = runner.invoke(cli, ["install", "jira", "--url", PUBLIC_URL, "--gate-notifications"], env=env)
    assert result.exit_code == 2 and "--gate-notifications applies to zendesk only" in result.output
    result = runner.invoke(cli, ["install", "zendesk", "--url", PUBLIC_URL, "--jql", "project = SD"], env=env)
    assert result.exit_code == 2 and "--jql applies to jira only" in result.output
    assert ours(zendesk) == ([], [])


def test_each_platform_option_is_offered_with_the_platform_that_declares_it(env) -> None:
    help_text = run(env, "install", "--help")
    assert "--gate-notifications" in help_text and "zendesk only:" in help_text
    assert "--jql" in help_text and "jira only:" in help_text
    assert "--rotate-secret" in help_text


def test_install_jira_with_jql_twice_gives_one_webhook_and_remove_undoes_it(env, jira) -> None:
    jql = "project = SD AND issuetype = Incident"
    first = run(env, "install", "jira", "--url", PUBLIC_URL, "--jql", jql)
    [(hook_id, hook)] = jira.webhooks.items()
    assert hook["url"] == f"{PUBLIC_URL}/webhooks/jira" and hook["events"] == ["jira:issue_created", "comment_created", "jira:issue_updated"]
    assert hook["filters"]["issue-related-events-section"] == jql
    assert f"JIRA_WEBHOOK_SECRET={hook['secret']}" in first

    second = run(env, "install", "jira", "--url", PUBLIC_URL, "--jql", jql)
    [(same_id, same)] = jira.webhooks.items()
    assert same_id == hook_id and same["secret"] == hook["secret"]  # the running bridge keeps working
    assert "JIRA_WEBHOOK_SECRET=" not in second and "--rotate-secret" in second

    removed = run(env, "install", "jira", "--url", PUBLIC_URL, "--remove")
    assert f"Jira admin webhook {hook_id}" in removed
    assert jira.webhooks == {}


def test_install_with_unconfigured_platform_says_what_to_set(env) -> None:
    env = {**env, "ZENDESK_API_TOKEN": "", "ZENDESK_SUBDOMAIN": "", "ZENDESK_URL": ""}
    result = CliRunner().invoke(cli, ["install", "zendesk", "--url", PUBLIC_URL], env=env)
    assert result.exit_code == 1
    assert "zendesk is not configured" in result.output and "ZENDESK_" in result.output


# ---------------------------------------------------------------------- --url, secrets and --env-file


def test_the_endpoint_is_accepted_as_url_without_doubling_the_path(env, zendesk, jira) -> None:
    out = run(env, "install", "zendesk", "--url", f"{PUBLIC_URL}/webhooks/zendesk/")
    [hook] = ours(zendesk)[0]
    assert hook["endpoint"] == f"{PUBLIC_URL}/webhooks/zendesk"
    assert f"-> {PUBLIC_URL}/webhooks/zendesk\n" in out
    again = run(env, "install", "zendesk", "--url", PUBLIC_URL)  # the base URL: the same webhook
    assert "already up to date" in again and [len(x) for x in ours(zendesk)] == [1, 2]

    run(env, "install", "jira", "--url", f"{PUBLIC_URL}/webhooks/jira")
    [hook] = jira.webhooks.values()
    assert hook["url"] == f"{PUBLIC_URL}/webhooks/jira"
    env = {**env, "BRIDGE_PUBLIC_URL": f"{PUBLIC_URL}/webhooks/zendesk"}
    assert "removed from zendesk: trigger" in run(env, "install", "zendesk", "--remove")


@pytest.mark.parametrize("url, says", [
    ("notaurl", "is not the bridge's public address"),
    ("ftp://bridge.acme.example", "is not the bridge's public address"),
    (f"{PUBLIC_URL}/webhooks/jira", "is the jira endpoint"),
])
def test_a_url_that_is_not_the_bridge_is_one_line_and_changes_nothing(env, zendesk, url, says) -> None:
    result = CliRunner().invoke(cli, ["install", "zendesk", "--url", url], env=env)
    assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
    assert ours(zendesk) == ([], [])


def test_install_jira_again_keeps_the_secret_in_the_env_file_unless_rotated(env, jira, tmp_path) -> None:
    env_file = tmp_path / "bridge.env"
    run(env, "install", "jira", "--url", PUBLIC_URL, "--env-file", str(env_file))
    [(hook_id, hook)] = jira.webhooks.items()
    secret = hook["secret"]
    assert env_file.read_text() == f"JIRA_WEBHOOK_SECRET={secret}\n"

    out = run(env, "install", "jira", "--url", PUBLIC_URL, "--jql", "project = SD", "--env-file", str(env_file))
    assert jira.webhooks[hook_id]["secret"] == secret  # changed (the JQL) but signed as before
    assert jira.webhooks[hook_id]["filters"]["issue-related-events-section"] == "project = SD"
    assert env_file.read_text() == f"JIRA_WEBHOOK_SECRET={secret}\n" and secret not in out

    run(env, "install", "jira", "--url", PUBLIC_URL, "--rotate-secret", "--env-file", str(env_file))
    rotated = jira.webhooks[hook_id]["secret"]
    assert rotated != secret and env_file.read_text() == f"JIRA_WEBHOOK_SECRET={rotated}\n"


def test_rotate_secret_gives_the_zendesk_webhook_a_new_one(env, zendesk) -> None:
    run(env, "install", "zendesk", "--url", PUBLIC_URL)
    [hook] = ours(zendesk)[0]
    before = zendesk.signing_secrets[hook["id"]]
    out = run(env, "install", "zendesk", "--url", PUBLIC_URL, "--rotate-secret")
    after = zendesk.signing_secrets[hook["id"]]
    assert after != before and f"ZENDESK_WEBHOOK_SECRET={after}" in out


def test_env_file_replaces_existing_keys_and_keeps_the_rest(env, zendesk, tmp_path) -> None:
    env_file = tmp_path / "bridge.env"
    env_file.write_text("# bridge settings\nBRIDGE_MODE=monitor\nZENDESK_WEBHOOK_SECRET=old\n"
                        "export ZENDESK_WEBHOOK_SECRET='older'\nSMTP_URL=smtp://127.0.0.1:2525\n")
    env_file.chmod(0o644)
    run(env, "install", "zendesk", "--url", PUBLIC_URL, "--env-file", str(env_file))
    run(env, "install", "zendesk", "--url", PUBLIC_URL, "--env-file", str(env_file))
    secret = zendesk.signing_secrets[ours(zendesk)[0][0]["id"]]
    assert env_file.read_text() == ("# bridge settings\nBRIDGE_MODE=monitor\nZENDESK_WEBHOOK_SECRET=" + secret +
                                    "\nSMTP_URL=smtp://127.0.0.1:2525\n")
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_env_file_is_created_0600_whatever_the_umask(env, zendesk, tmp_path) -> None:
    env_file = tmp_path / "new.env"
    process_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bridge.cli", "install", "zendesk", "--url", PUBLIC_URL,
                           "--env-file", str(env_file)], env=process_env, capture_output=True, text=True,
                          timeout=120, preexec_fn=lambda: os.umask(0))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert env_file.read_text().startswith("ZENDESK_WEBHOOK_SECRET=")


def test_an_env_file_that_is_a_symbolic_link_is_refused(env, zendesk, tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("unrelated\n")
    link = tmp_path / "bridge.env"
    link.symlink_to(elsewhere)
    result = CliRunner().invoke(cli, ["install", "zendesk", "--url", PUBLIC_URL, "--env-file", str(link)], env=env)
    assert result.exit_code == 2 and "symbolic link" in result.output and "Traceback" not in result.output
    assert elsewhere.read_text() == "unrelated\n" and link.is_symlink()
    assert ours(zendesk) == ([], [])
