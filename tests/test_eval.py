"""``gdpr-bridge eval``: figures per language, per entity, and a ticket list without values."""

from __future__ import annotations

from dataclasses import replace

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bridge.commands.detection import eval_corpus
from bridge.evaluate import Counts, finding_matches, label_policy_violation, labelled_place, load_corpus
from bridge.findings import Finding
from bridge.platform import Ticket

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "detection" / "corpus"
RULES = ROOT / "rules.yaml"


@pytest.fixture(scope="module")
def cli() -> click.Group:
    group = click.Group()
    group.add_command(eval_corpus, name="eval")
    return group


def run_json(cli: click.Group, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["eval", str(CORPUS), "--rules", str(RULES), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def full(cli: click.Group) -> dict:
    return run_json(cli)


@pytest.fixture(scope="module")
def text_only(cli: click.Group) -> dict:
    return run_json(cli, "--text-only")


def test_json_has_overall_and_per_language_figures(full: dict) -> None:
    assert full["overall"]["tickets"] == 11
    assert set(full["per_language"]) == {"en", "sv", "de"}
    for figures in [full["overall"], *full["per_language"].values()]:
        for key in ("false_delete_rate", "miss_rate", "review_rate"):
            assert 0.0 <= figures[key] <= 1.0
    assert full["overall"]["false_delete_rate"] == 0.0
    assert full["overall"]["miss_rate"] == 0.0
    assert full["tickets_per_second"] > 0
    assert full["language_detection_accuracy"] == 1.0


def test_per_entity_recall_and_precision(full: dict) -> None:
    person = full["entities"]["PERSON"]
    assert person["labels"] > 0 and person["recall"] == 1.0 and person["precision"] == 1.0
    # attachment items are matched by value: the DOCX form's date of birth and IBAN
    assert full["entities"]["DATE_OF_BIRTH"]["recall"] == 1.0
    assert full["entities"]["IBAN_CODE"]["recall"] == 1.0
    assert "sv" in full["per_language_entities"]


def test_tickets_list_has_verdicts_and_findings_without_values(full: dict) -> None:
    tickets = {t["id"]: t for t in full["tickets"]}
    assert tickets["dev-0306"]["verdict"] == "violation"
    assert tickets["dev-0002"]["verdict"] == "clean"
    finding = tickets["dev-0131"]["findings"][0]
    assert {"type", "place", "start", "end", "score"} <= set(finding)
    assert "value" not in finding
    raw = json.dumps(full)
    for line in (CORPUS / "tickets.jsonl").read_text(encoding="utf-8").splitlines():
        for item in json.loads(line)["label"]["found"]:
            if len(item["text"]) >= 7:  # short codes ("147") also occur inside ids and offsets
                assert item["text"] not in raw


def test_text_only_leaves_attachments_out_and_relabels(text_only: dict) -> None:
    tickets = {t["id"]: t for t in text_only["tickets"]}
    # dev-0306's personal data is only in its Word attachment
    assert tickets["dev-0306"]["expected"] == "clean" and tickets["dev-0306"]["verdict"] == "clean"
    assert all(f["place"] in ("subject", "body") for t in text_only["tickets"] for f in t["findings"])
    assert text_only["overall"]["false_delete_rate"] == 0.0 and text_only["overall"]["miss_rate"] == 0.0
    assert text_only["text_only"] is True


def test_human_report_and_clean_stdout(cli: click.Group) -> None:
    result = CliRunner().invoke(cli, ["eval", str(CORPUS), "--rules", str(RULES), "--text-only"])
    assert result.exit_code == 0, result.output
    assert "false-delete" in result.stdout and "tickets/s" in result.stdout
    for lang in ("en", "sv", "de"):
        assert f"\n{lang} " in result.stdout


def test_bad_corpus_folder(cli: click.Group, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(tmp_path), "--rules", str(RULES)])
    assert result.exit_code == 1 and "tickets.jsonl" in result.stderr
    (tmp_path / "tickets.jsonl").write_text('{"id": "x"}\nnot json\n')
    result = CliRunner().invoke(cli, ["eval", str(tmp_path), "--rules", str(RULES)])
    assert result.exit_code == 1 and "line 2: not JSON" in result.stderr and "Error" not in result.stderr.split(":", 1)[1]
    (tmp_path / "tickets.jsonl").write_text('{"subject": "no id"}\n')
    result = CliRunner().invoke(cli, ["eval", str(tmp_path), "--rules", str(RULES)])
    assert result.exit_code == 1 and "line 1: the key 'id' is missing" in result.stderr
    assert "KeyError" not in result.stderr and "docs/corpus-format.md" in result.stderr


def test_corpus_format_is_documented_inside_the_repository() -> None:
    doc = ROOT / "docs" / "corpus-format.md"
    text = doc.read_text(encoding="utf-8")
    for key in ("tickets.jsonl", "label", "found", "where", "--text-only"):
        assert key in text
    import bridge.evaluate

    source = Path(bridge.evaluate.__file__).read_text(encoding="utf-8")
    assert "shared/" not in source and "docs/corpus-format.md" in source


def test_label_policy_and_matching() -> None:
    assert label_policy_violation([{"type": "PHONE_NUMBER"}])
    assert not label_policy_violation([{"type": "PERSON"}, {"type": "PERSON"}])
    assert label_policy_violation([{"type": "PERSON"}, {"type": "IP_ADDRESS"}])
    assert not label_policy_violation([{"type": "PERSON_CODE"}])
    ticket = Ticket(id="t", platform="x", subject="", body="call 0701234567 or 0701234567")
    second = Finding("PHONE_NUMBER", "body", 19, 29, 0.9, "phone", value="0701234567")
    label = {"type": "PHONE_NUMBER", "text": "0701234567", "where": "body"}
    assert finding_matches(second, label, ticket)
    assert not finding_matches(Finding("PERSON", "body", 19, 29, 0.9, "x", value="0701234567"), label, ticket)
    ocr = Finding("PERSON", "attachment:a.png", 0, 12, 0.6, "x", value="Carole  Dixon")
    assert finding_matches(ocr, {"type": "PERSON", "text": "Carole Dixon", "where": "attachment:a.png"}, ticket)


def test_a_finding_in_a_file_name_matches_the_label_of_its_attachment() -> None:
    ticket = Ticket(id="t", platform="x", subject="", body="")
    names = ["notes.txt", "payslip_Berg_Anna_811218-9876.pdf"]
    found = Finding("PERSON", "attachment-name:2", 8, 17, 0.6, "x", value="Berg Anna")
    label = {"type": "PERSON", "text": "Berg_Anna", "where": "attachment:payslip_Berg_Anna_811218-9876.pdf"}
    assert not finding_matches(found, label, ticket)
    assert finding_matches(labelled_place(found, names), label, ticket)
    # the first attachment's name is another place; a number past the list stays as it is
    assert not finding_matches(labelled_place(replace(found, place="attachment-name:1"), names), label, ticket)
    assert labelled_place(replace(found, place="attachment-name:3"), names).place == "attachment-name:3"


def test_counts_rates() -> None:
    counts = Counts()
    for expected, verdict in [(True, "violation"), (True, "clean"), (False, "violation"), (False, "clean"), (False, "review")]:
        counts.add(expected, verdict)
    rates = counts.rates()
    assert rates["miss_rate"] == 0.5 and rates["false_delete_rate"] == round(1 / 3, 4) and rates["review_rate"] == 0.2


def test_load_corpus_reads_requester_and_attachments() -> None:
    corpus = {c.id: c for c in load_corpus(CORPUS)}
    assert corpus["dev-0306"].attachments[0].path.is_file()
    assert corpus["dev-0306"].ticket.requester.name


def test_progress_bar_goes_to_stderr_only_for_long_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bridge.commands.detection import progress_bar

    assert list(progress_bar(list(range(25)), "eval")) == list(range(25))
    out, err = capsys.readouterr()
    assert out == "" and "eval:" in err and "/25" in err
    assert list(progress_bar(list(range(5)), "eval")) == list(range(5))
    assert list(progress_bar(list(range(25)), "eval", enabled=False)) == list(range(25))
    assert capsys.readouterr() == ("", "")
