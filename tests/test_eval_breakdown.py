"""``gdpr-bridge eval`` also reports findings by part and by holder, how reliable the
calibrated scores are, and calibration points (``--calibrate``)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from bridge.commands.detection import eval_corpus
from bridge.rules import parse_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules.yaml"

TICKETS = [
    {  # the requester's own direct line in their sign-off, a colleague's mobile in quoted history
        "id": "a", "language": "en", "requester": {"name": "Robert Whitfield", "email": "rw@harbour.co.uk"},
        "subject": "overtime", "attachments": [],
        "body": "Hi,\n\nsee below.\n\nRegards\nBob Whitfield\nDirect: 0161 496 0734\n\n"
                "From: Megan Clarke <megan.clarke@harbour.co.uk>\nSent: 02 March 2025 09:14\nTo: Bob\n\n"
                "My overtime is missing.\n\nThanks\nMegan Clarke\nMob 07700 900461\n",
        "label": {"violation": True, "found": [
            {"type": "PERSON", "text": "Megan Clarke", "where": "body"},
            {"type": "EMAIL_ADDRESS", "text": "megan.clarke@harbour.co.uk", "where": "body"},
            {"type": "PHONE_NUMBER", "text": "07700 900461", "where": "body"}]},
    },
    {  # a table row: a colleague's name, clock number and mobile
        "id": "b", "language": "en", "requester": {"name": "Ann Lee", "email": "ann.lee@acme.co.uk"},
        "subject": "missing punches", "attachments": [],
        "body": "Hello,\n\nName | Clock | Mobile\nTom Hale | 1183 | 07700 900124\nAmy Reid | 1184 | 07700 900125\n\nThanks\nAnn\n",
        "label": {"violation": True, "found": [
            {"type": "PERSON", "text": "Tom Hale", "where": "body"}, {"type": "PERSON", "text": "Amy Reid", "where": "body"},
            {"type": "PERSON_CODE", "text": "1183", "where": "body"}, {"type": "PERSON_CODE", "text": "1184", "where": "body"},
            {"type": "PHONE_NUMBER", "text": "07700 900124", "where": "body"},
            {"type": "PHONE_NUMBER", "text": "07700 900125", "where": "body"}]},
    },
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("set")
    (root / "tickets.jsonl").write_text("\n".join(json.dumps(t) for t in TICKETS) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cli() -> click.Group:
    group = click.Group()
    group.add_command(eval_corpus, name="eval")
    return group


def run(cli: click.Group, corpus: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["eval", str(corpus), "--rules", str(RULES), "--no-progress", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_findings_by_part_and_holder(cli: click.Group, corpus: Path) -> None:
    data = json.loads(run(cli, corpus, "--json"))
    parts = data["by_part"]
    assert parts["table"]["counted_right"] >= 4, parts
    assert parts["forward_header"]["counted_right"] == 2  # the name and the address in From:
    assert parts["signature"]["counted_right"] >= 1  # the colleague's mobile in the quoted sign-off
    assert sum(p["counted_wrong"] for p in parts.values()) == 0
    holders = data["by_holder"]
    assert holders["requester"]["findings"] >= 2 and holders["requester"]["labelled_third_party"] == 0
    assert holders["third_party"]["findings"] == holders["third_party"]["labelled_third_party"]
    assert data["overall"]["review_rate"] == 0.0


def test_reliability_table_bins_counted_findings(cli: click.Group, corpus: Path) -> None:
    data = json.loads(run(cli, corpus, "--json"))
    rows = data["reliability"]
    assert rows and sum(r["findings"] for r in rows) == sum(p["counted_right"] + p["counted_wrong"]
                                                           for p in data["by_part"].values())
    assert all(0.0 <= r["from"] < r["to"] <= 1.0 and 0.0 <= r["right"] <= 1.0 for r in rows)


def test_human_report_shows_review_rate_parts_holders_and_reliability(cli: click.Group, corpus: Path) -> None:
    text = run(cli, corpus)
    for heading in ("review", "by part", "by holder", "reliability"):
        assert heading in text
    assert "Megan" not in text and "07700" not in text, "no values in the report"


def test_calibrate_prints_points_rules_yaml_accepts(cli: click.Group, corpus: Path) -> None:
    points = yaml.safe_load(run(cli, corpus, "--calibrate"))
    table = points["confidence"]["calibration"]
    assert "PHONE_NUMBER" in table
    for kind, pairs in table.items():
        assert [p[1] for p in pairs] == sorted(p[1] for p in pairs), f"{kind}: not monotone"
    rules = parse_rules(RULES.read_bytes())
    changed = rules.model_dump()
    changed["confidence"]["calibration"] = table
    parse_rules(yaml.safe_dump(changed).encode())


def test_calibration_pools_equal_scores_into_one_point() -> None:
    from bridge.eval_breakdown import Breakdown

    b = Breakdown()
    b.raw["PERSON"] = [(0.6, False), (0.6, True), (0.6, True), (0.6, True), (0.7, True)]
    assert b.calibration()["PERSON"] == [[0.6, 0.75], [0.7, 1.0]]
