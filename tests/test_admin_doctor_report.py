"""`gdpr-bridge doctor`, `report` and `audit export` as an admin runs them: doctor against the
fake platforms and a real SMTP server; report and export over an audit trail seeded with
monitor-mode decisions whose findings hold values that must never come out."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from bridge.audit import AuditLog
from bridge.cli import cli
from bridge.db import Database
from bridge.findings import Decision, Finding
from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_URL = "https://bridge.acme.example"
PHONE, NAME, EMAIL = "+44 7911 123456", "Oliver Pemberton", "oliver.pemberton@example.co.uk"
FILENAME = "payslip-Oliver-Pemberton.pdf"
SEEDED = [PHONE, NAME, "Pemberton", EMAIL, FILENAME]


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[FakeZendesk, FakeJira, SmtpSink]]:
    with FakeZendesk() as zendesk, FakeJira() as jira:
        sink = SmtpSink().start()
        yield zendesk, jira, sink
        sink.stop()


def invoke(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def base_env(tmp_path: Path, zendesk: FakeZendesk, jira: FakeJira, sink: SmtpSink) -> dict[str, str]:
    return {**zendesk.env(), "JIRA_URL": jira.url, "JIRA_EMAIL": jira.email, "JIRA_API_TOKEN": jira.token,
            "BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_RULES": str(ROOT / "rules.yaml"),
            "SMTP_URL": sink.url + "?helo=bridge.test", "BRIDGE_PUBLIC_URL": PUBLIC_URL, "BRIDGE_MODE": "",
            "BRIDGE_QUEUE_URL": "", "JIRA_WEBHOOK_SECRET": "", "ZENDESK_WEBHOOK_SECRET": ""}


def secret_from(output: str, name: str) -> str:
    [line] = [ln for ln in output.splitlines() if ln.strip().startswith(name + "=")]
    return line.strip().split("=", 1)[1]


def test_doctor_all_pass_when_installed_against_the_fakes(tmp_path, fakes) -> None:
    zendesk, jira, sink = fakes
    env = base_env(tmp_path, zendesk, jira, sink)
    web = BridgeProcess(tmp_path / "web", {}, command=("web",)).start(timeout=240)  # answers /healthz
    try:
        env["BRIDGE_PUBLIC_URL"] = web.url
        doctor_all_pass(env, zendesk, jira, sink, web.url)
    finally:
        web.stop()


def doctor_all_pass(env: dict[str, str], zendesk: FakeZendesk, jira: FakeJira, sink: SmtpSink, PUBLIC_URL: str) -> None:
    for platform, var in (("zendesk", "ZENDESK_WEBHOOK_SECRET"), ("jira", "JIRA_WEBHOOK_SECRET")):
        code, out = invoke(env, "install", platform, "--url", PUBLIC_URL)
        assert code == 0, out
        env[var] = secret_from(out, var)

    code, out = invoke(env, "doctor")
    lines = out.splitlines()
    assert code == 0, out
    assert lines and all(ln.startswith("PASS  ") for ln in lines), out
    names = {ln[6:].split(":", 1)[0] for ln in lines}
    assert f"PASS  public URL: {PUBLIC_URL}/healthz answers 200" in lines
    assert f"PASS  rules: rules {ROOT / 'rules.yaml'} valid" in out
    assert names >= {"configuration", "rules", "data dir", "queue", "mail", "tesseract", "zendesk credentials",
                     "zendesk webhook secret", "zendesk webhook", "jira credentials", "jira webhook secret",
                     "jira webhook"}
    assert f"127.0.0.1:{sink.port}" in out  # the mail check talked to the SMTP server we gave it
    for secret in (env["ZENDESK_WEBHOOK_SECRET"], env["JIRA_WEBHOOK_SECRET"], zendesk.token, jira.token):
        assert secret not in out

    # a secret that is not the webhook's (a typo, or the webhook's secret was reset): every delivery
    # would be refused, so doctor fails and says so without printing either secret
    right = env["ZENDESK_WEBHOOK_SECRET"]
    code, out = invoke({**env, "ZENDESK_WEBHOOK_SECRET": "not-the-signing-secret"}, "doctor")
    assert code == 1, out
    [fail] = [ln for ln in out.splitlines() if ln.startswith("FAIL  zendesk webhook:")]
    assert "signs with a secret that ZENDESK_WEBHOOK_SECRET does not hold" in fail
    assert "not-the-signing-secret" not in out and right not in out
    code, out = invoke({**env, "ZENDESK_WEBHOOK_SECRET": f"old-secret-being-rotated,{right}"}, "doctor")
    assert code == 0 and "PASS  zendesk webhook:" in out, out

    # the webhook removed behind the bridge's back: doctor notices and says how to fix it
    assert invoke(env, "install", "zendesk", "--url", PUBLIC_URL, "--remove")[0] == 0
    code, out = invoke(env, "doctor")
    assert code == 1
    assert f"FAIL  zendesk webhook: no active webhook on zendesk points at {PUBLIC_URL}" in out
    assert "hint: run `gdpr-bridge install zendesk`" in out
    assert invoke(env, "install", "jira", "--url", PUBLIC_URL, "--remove")[0] == 0


def test_doctor_wrong_api_token_fails_with_hint_and_exit_1(tmp_path, fakes) -> None:
    zendesk, jira, sink = fakes
    env = {**base_env(tmp_path, zendesk, jira, sink), "ZENDESK_API_TOKEN": "not-the-token", "ZENDESK_RETRY_ATTEMPTS": "1",
           "BRIDGE_PUBLIC_URL": ""}
    code, out = invoke(env, "doctor")
    assert code == 1, out
    [fail] = [ln for ln in out.splitlines() if ln.startswith("FAIL  zendesk credentials")]
    hint = out.splitlines()[out.splitlines().index(fail) + 1]
    assert hint.strip() == ("hint: check ZENDESK_* credentials; the token needs admin rights for install and sweep")
    assert "PASS  jira credentials" in out and "PASS  mail" in out
    assert "not-the-token" not in out and zendesk.token not in out


CLASS_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception|Rejected|Unavailable|Gone)\b|instance of")


def test_doctor_warns_of_enforce_without_smtp_and_checks_the_public_url(tmp_path, fakes) -> None:
    import os
    import subprocess
    import sys

    zendesk, jira, sink = fakes
    env = {**os.environ, **base_env(tmp_path, zendesk, jira, sink), "PYTHONPATH": str(ROOT), "BRIDGE_MODE": "enforce",
           "SMTP_URL": "", "BRIDGE_PUBLIC_URL": f"http://127.0.0.1:{free_port()}", "BRIDGE_RULES": ""}
    env.pop("BRIDGE_RULES")
    run = subprocess.run([sys.executable, "-m", "bridge.cli", "doctor"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=240)
    lines = run.stdout.splitlines()
    outbox = tmp_path / "data" / "outbox"
    [mail] = [ln for ln in lines if ln.startswith(("PASS  mail", "WARN  mail", "FAIL  mail"))]
    assert mail.startswith("WARN  mail:") and str(outbox) in mail and "enforce mode without SMTP_URL" in mail
    assert lines[lines.index(mail) + 1].strip().startswith("hint: set SMTP_URL")
    [public] = [ln for ln in lines if ln.startswith(("PASS  public URL", "FAIL  public URL"))]
    assert public == f"FAIL  public URL: {env['BRIDGE_PUBLIC_URL']}/healthz does not answer (All connection attempts failed)" \
        or public.startswith(f"FAIL  public URL: {env['BRIDGE_PUBLIC_URL']}/healthz does not answer")
    assert "hint: BRIDGE_PUBLIC_URL must be where the helpdesk reaches this bridge" in run.stdout
    # the folder and the rules it read, absolute: here no BRIDGE_RULES and no ./rules.yaml
    assert f"PASS  configuration: data folder {tmp_path / 'data'}," in run.stdout
    [rules] = [ln for ln in lines if ln.startswith("PASS  rules:")]
    assert "/bridge/data/default_rules.yaml (the packaged default: no BRIDGE_RULES, no ./rules.yaml)" in rules
    assert run.returncode == 1  # the public URL fails; the WARN alone would not
    assert not CLASS_NAME.search(run.stdout), run.stdout


def test_rules_errors_name_no_python_class(tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("allow:\n  patterns:\n    - just-a-string\n", encoding="utf-8")
    code, out = invoke({"BRIDGE_RULES": str(rules), "BRIDGE_DATA_DIR": str(tmp_path / "data")}, "rules", "check")
    assert code != 0 and "allow.patterns[0]" in out
    assert not CLASS_NAME.search(out), out


# ---------------------------------------------------------------------------------- report / export


def finding(kind: str, value: str, place: str = "body") -> Finding:
    return Finding(kind, place, 0, len(value), 0.9, "test", value=value, context=f"call {value} today")


def seed(data_dir: Path) -> AuditLog:
    """Monitor-mode decisions: 3 violations, 1 review, 2 clean this week, 1 violation 10 days ago."""
    audit = AuditLog(Database(data_dir / "bridge.db"))
    phone, person = finding("PHONE_NUMBER", PHONE), finding("PERSON", NAME)
    mail = finding("EMAIL_ADDRESS", EMAIL, f"attachment:{FILENAME}")
    decisions = [
        ("101", Decision("delete", ["third-party phone number"], {"body": ["PHONE_NUMBER"]}, [phone], [phone])),
        ("102", Decision("delete", ["third-party phone number", "name with contact"],
                         {"body": ["PHONE_NUMBER", "PERSON"]}, [phone, person], [phone, person])),
        ("103", Decision("delete", ["third-party email address"], {f"attachment:{FILENAME} (page 2)": ["EMAIL_ADDRESS"]},
                         [mail], [mail])),
        ("104", Decision("review", [f"attachment {FILENAME} could not be read (encrypted)"])),
        ("105", Decision("none", [], {}, [person], [])),
        ("106", Decision("none")),
        ("99", Decision("delete", ["third-party phone number"], {"body": ["PHONE_NUMBER"]}, [phone], [phone])),
    ]
    for ticket_id, decision in decisions:
        at = time.time() - 10 * 86400 if ticket_id == "99" else None
        audit.record_decision("zendesk", ticket_id, decision, "monitor", "abc123", "en", [FILENAME], at=at)
        audit.record_step("zendesk", ticket_id, "monitored")
    return audit


@pytest.fixture()
def seeded_env(tmp_path: Path) -> dict[str, str]:
    seed(tmp_path / "data")
    return {"BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_RULES": str(ROOT / "rules.yaml")}


def no_seeded_values(text: str) -> None:
    for value in SEEDED:
        assert value.lower() not in text.lower(), value


def test_report_text_shows_what_enforce_would_have_done(seeded_env) -> None:
    code, out = invoke(seeded_env, "report", "--since", "7d")
    assert code == 0, out
    assert out.splitlines()[0] == "6 ticket(s) decided in the last 7d"
    assert "violation       3  enforce mode would email the requester and delete the ticket" in out
    assert "review          1  enforce mode would tag it for human review" in out
    assert "clean           2  enforce mode would leave it alone" in out
    assert "     3  PHONE_NUMBER" not in out and "     2  PHONE_NUMBER" in out  # ticket 99 is outside 7d
    assert "     2  third-party phone number" in out
    assert "attachment #1 could not be read (encrypted)" in out
    no_seeded_values(out)
    code, out = invoke(seeded_env, "report", "--since", "30d")
    assert out.splitlines()[0] == "7 ticket(s) decided in the last 30d"


def test_report_csv_and_json_carry_the_same_figures(seeded_env) -> None:
    code, out = invoke(seeded_env, "report", "--since", "7d", "--format", "csv")
    assert code == 0, out
    rows = {(r["section"], r["name"]): int(r["count"]) for r in csv.DictReader(io.StringIO(out))}
    assert rows[("by_verdict", "violation")] == 3 and rows[("by_verdict", "clean")] == 2
    assert rows[("kinds", "PHONE_NUMBER")] == 2 and rows[("kinds", "PERSON")] == 1
    assert rows[("kinds", "EMAIL_ADDRESS")] == 1
    assert rows[("rules_fired", "name with contact")] == 1
    no_seeded_values(out)

    code, out = invoke(seeded_env, "report", "--since", "7d", "--format", "json")
    data = json.loads(out)
    assert data["tickets"] == 6 and data["by_verdict"] == {"violation": 3, "review": 1, "clean": 2}
    assert data["kinds"] == {"PHONE_NUMBER": 2, "PERSON": 1, "EMAIL_ADDRESS": 1}
    assert data["would_do"]["violation"]["tickets"] == 3
    assert data["review_reasons"] == {"attachment #1 could not be read (encrypted)": 1}
    no_seeded_values(out)


def test_audit_export_csv_and_jsonl(seeded_env) -> None:
    code, out = invoke(seeded_env, "audit", "export", "--since", "7d", "--format", "jsonl")
    assert code == 0, out
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["ticket_id"] for r in records] == ["101", "102", "103", "104", "105", "106"]
    assert {r["mode"] for r in records} == {"monitor"}
    by_id = {r["ticket_id"]: r for r in records}
    assert by_id["102"]["kinds"] == {"PHONE_NUMBER": 1, "PERSON": 1}
    assert by_id["103"]["places"] == {"attachment": ["EMAIL_ADDRESS"]}  # the category, never the file name
    assert [s["step"] for s in by_id["101"]["steps"]] == ["monitored"]
    no_seeded_values(out)

    code, out = invoke(seeded_env, "audit", "export", "--since", "30d", "--format", "csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 7 and rows[0]["ticket_id"] == "99"
    assert json.loads(rows[1]["kinds"]) == {"PHONE_NUMBER": 1} and rows[1]["verdict"] == "violation"
    assert rows[1]["steps"].startswith("monitored@")
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    for row in rows:  # times as ISO 8601 UTC, not epoch floats
        assert iso.match(row["decided_at"]), row["decided_at"]
        assert all(iso.match(step.split("@", 1)[1]) for step in row["steps"].split(";"))
    decided = datetime.strptime(rows[-1]["decided_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs(decided.timestamp() - time.time()) < 8 * 86400
    no_seeded_values(out)


def test_doctor_fails_while_the_published_test_secret_is_accepted(tmp_path, fakes) -> None:
    zendesk, jira, sink = fakes
    env = {**base_env(tmp_path, zendesk, jira, sink), "ZENDESK_WEBHOOK_SECRET": "zd-signing-secret-of-the-webhook",
           "BRIDGE_PUBLIC_URL": ""}
    code, out = invoke(env, "doctor")
    assert "webhook signing" not in out, out
    code, out = invoke({**env, "ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET": "1"}, "doctor")
    assert code == 1
    [fail] = [ln for ln in out.splitlines() if ln.startswith("FAIL  zendesk webhook signing:")]
    assert "ZENDESK_WEBHOOK_ACCEPT_TEST_SECRET is on" in fail and "anyone can sign" in fail
    assert "zd-signing-secret-of-the-webhook" not in out


@pytest.mark.parametrize("command", [["report"], ["audit", "export"], ["deadletters", "list"],
                                     ["redecide", "--dry-run"]])
def test_read_commands_outside_a_data_folder_say_so_and_create_nothing(tmp_path, command) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run([sys.executable, "-m", "bridge.cli", *command], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip() == (f"Error: no bridge data in {tmp_path / 'data'} (no bridge.db there): run this where"
                                  " the bridge runs, or set BRIDGE_DATA_DIR to its data folder")
    assert list(tmp_path.iterdir()) == []  # no ./data made, no "0 tickets" reported
