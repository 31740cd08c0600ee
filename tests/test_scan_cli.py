"""``gdpr-bridge scan``: text, stdin and files through extraction; exit codes; no values by default."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bridge.commands.detection import scan

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules.yaml"
DOCX = ROOT / "tests" / "fixtures" / "detection" / "corpus" / "attachments" / "dev-0306-1.docx"

THIRD_PARTY = """Hej,

Sedan i måndags kan Lena Forsberg inte logga in. Bästa numret till henne är 070-123 45 67.

Mvh
Karin Holmberg
Tel: +46 8 555 123 45
"""


@pytest.fixture(scope="module")
def cli() -> click.Group:
    group = click.Group()
    group.add_command(scan)
    return group


def invoke(cli: click.Group, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["scan", "--rules", str(RULES), *args], input=stdin)


def test_text_file_with_third_party_data_is_a_violation(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "ticket.txt"
    path.write_text(THIRD_PARTY, encoding="utf-8")
    result = invoke(cli, "--json", "--requester-name", "Karin Holmberg", "--requester-phone", "+46855512345", str(path))
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert out["verdict"] == "violation" and out["language"] == "sv"
    assert set(out["places"]) == {"body"} and set(out["places"]["body"]) == {"PHONE_NUMBER", "PERSON"}
    assert "070-123 45 67" not in result.stdout and "Forsberg" not in result.stdout
    own = [f for f in out["findings"] if f["not_counted_because"] and "requester" in f["not_counted_because"]]
    assert {f["type"] for f in own} == {"PERSON", "PHONE_NUMBER"}


def test_show_values_shows_them(cli: click.Group) -> None:
    result = invoke(cli, "--json", "--show-values", "-", stdin=THIRD_PARTY)
    assert result.exit_code == 1
    values = {f["value"] for f in json.loads(result.stdout)["findings"]}
    assert "070-123 45 67" in values and "Lena Forsberg" in values


def test_stdin_clean_text_exits_zero(cli: click.Group) -> None:
    result = invoke(cli, "-", stdin="The export fails with E4913 on build 10.9.1.3320 since 2024-11-05.\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("verdict: clean")


def test_explain_shows_recognizer_score_context_and_rule(cli: click.Group) -> None:
    result = invoke(cli, "--explain", "-", stdin="Employee ID 17227 (Oliver Pratt) cannot clock in.\n")
    assert result.exit_code == 1, result.output
    text = result.stdout
    assert "by person_code" in text and "by person_names" in text
    assert "score 0." in text
    assert "counted for rule: full-name-with-identifier" in text
    assert "context: " in text and "<PERSON>" in text
    assert "Pratt" not in text


def test_explain_says_why_a_finding_did_not_count(cli: click.Group) -> None:
    result = invoke(cli, "--explain", "-", stdin="Employee ID 17227 cannot clock in.\n")
    assert result.exit_code == 0
    assert "not counted: counts only in combination" in result.stdout


def test_language_option_wins(cli: click.Group) -> None:
    result = invoke(cli, "--json", "--language", "de", "-", stdin="Hello, the export is slow.\n")
    assert json.loads(result.stdout)["language"] == "de"


def test_binary_file_goes_through_extraction(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "new_starter.docx"
    path.write_bytes(DOCX.read_bytes())
    result = invoke(cli, "--json", str(path))
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert "attachment:new_starter.docx" in out["places"]
    assert {"DATE_OF_BIRTH", "IBAN_CODE"} <= set(out["places"]["attachment:new_starter.docx"])


def test_unreadable_file_means_review(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n\x00\x01 this is not really a pdf \xff\xfe")
    result = invoke(cli, "--json", str(path))
    assert result.exit_code == 3, result.output
    out = json.loads(result.stdout)
    assert out["verdict"] == "review" and "could not be read" in out["reasons"][0]


def test_bad_rules_or_missing_file(cli: click.Group, tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("mode: sometimes\n")
    result = CliRunner().invoke(cli, ["scan", "--rules", str(bad), "-"], input="x")
    assert result.exit_code == 4 and "line 1" in result.stderr and "mode" in result.stderr
    result = invoke(cli, str(tmp_path / "missing.txt"))
    assert result.exit_code == 4 and "cannot read" in result.stderr
