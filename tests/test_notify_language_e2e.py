"""The requester's email through a real bridge, fake Zendesk and a real SMTP server: the
rules' audience picks the wording, and a requester left on the platform's default locale
(en-US) who writes in Swedish gets Swedish, while one who chose German gets German."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from tests.e2e import make_harness, wait_for
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[1]
SWEDISH = ("Hej,\n\nExporten av schemat misslyckas för nattskiftet sedan i måndags. Ring gärna vår anställde "
           "Oliver Pemberton på +44 7911 123456, han såg felet E-4412 först.\n\nMed vänliga hälsningar\nKarin")


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


def mail_for(sink: SmtpSink, ticket_id: str) -> list[Any]:
    ref = re.compile(rf"#{ticket_id}(?!\d)")
    return [m for m in sink.messages if ref.search(str(m["Subject"]))]


def test_customers_audience_and_language_precedence_through_the_bridge(sink: SmtpSink, tmp_path: Path) -> None:
    rules = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    rules["notify"]["audience"] = "customers"
    rules["sweep"]["interval_minutes"] = 0
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    harness = make_harness("zendesk")
    bridge = BridgeProcess(tmp_path / "data", {**harness.env(), "BRIDGE_MODE": "enforce", "BRIDGE_RULES": str(rules_file),
                                               "SMTP_URL": sink.url + "?helo=bridge.test"}).start(timeout=240)
    try:
        default = harness.create("Schemaexport", SWEDISH, {"name": "Karin Lind", "email": "karin@kund.example",
                                                          "locale": "en-US"})
        chosen = harness.create("Schemaexport", SWEDISH, {"name": "Jan Berg", "email": "jan@kund.example",
                                                         "locale": "de-DE"})
        for ticket_id in (default, chosen):
            assert harness.deliver(bridge.url, ticket_id).status_code == 202
        [swedish] = wait_for(lambda: mail_for(sink, default), timeout=120)
        [german] = wait_for(lambda: mail_for(sink, chosen), timeout=120)
    finally:
        bridge.stop()
        harness.stop()
    assert swedish["Content-Language"] == "sv" and german["Content-Language"] == "de"
    sv_text = " ".join(swedish.get_body(("plain",)).get_content().split())
    de_text = " ".join(german.get_body(("plain",)).get_content().split())
    assert "utan namn eller kontaktuppgifter" in sv_text and "klocknummer" not in sv_text
    assert "ohne deren Namen oder Kontaktdaten" in de_text and "Personalnummer" not in de_text
