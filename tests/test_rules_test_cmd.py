"""``gdpr-bridge rules check`` and ``rules test`` (example tickets with the verdict they must get)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bridge.commands.detection import parse_example, rules_group

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules.yaml"
EXAMPLES = ROOT / "examples" / "rules"


@pytest.fixture(scope="module")
def cli() -> click.Group:
    group = click.Group()
    group.add_command(rules_group, name="rules")
    return group


def test_shipped_examples_pass_with_shipped_rules(cli: click.Group) -> None:
    result = CliRunner().invoke(cli, ["rules", "test", str(EXAMPLES), "--rules", str(RULES)])
    assert result.exit_code == 0, result.output
    count = len(list(EXAMPLES.rglob("*.txt")))
    assert f"{count} passed, 0 failed" in result.stdout


def test_examples_cover_each_policy_rule_in_each_language() -> None:
    seen: set[tuple[str, str]] = set()
    for path in EXAMPLES.rglob("*.txt"):
        example = parse_example(path)
        lang = path.parent.name
        if example.expect == "clean":
            seen.add((lang, "clean"))
        elif "PERSON" in example.kinds:
            seen.add((lang, "combination"))
        else:
            seen.add((lang, "direct"))
    assert seen == {(lang, kind) for lang in ("en", "sv", "de") for kind in ("clean", "direct", "combination")}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_broken_expectation_fails_with_a_readable_diff(cli: click.Group, tmp_path: Path) -> None:
    write(tmp_path / "ok.txt", "---\nexpect: clean\n---\nThe export is slow since build 4.2.\n")
    write(
        tmp_path / "wrong.txt",
        "---\nexpect: clean\nrules: [full-name-with-identifier]\n---\nRing Lena Forsberg på 070-123 45 67.\n",
    )
    result = CliRunner().invoke(cli, ["rules", "test", str(tmp_path), "--rules", str(RULES)])
    assert result.exit_code == 1
    out = result.stdout
    assert "FAIL wrong.txt" in out and "FAIL ok.txt" not in out
    assert "  - verdict: clean\n  + verdict: violation" in out
    assert "1 passed, 1 failed" in out


def test_a_rules_change_that_breaks_an_example_is_caught(cli: click.Group, tmp_path: Path) -> None:
    rules = RULES.read_text(encoding="utf-8").replace("    recognizers: [phone]\n", "    enabled: false\n    recognizers: [phone]\n")
    changed = write(tmp_path / "rules.yaml", rules)
    result = CliRunner().invoke(cli, ["rules", "test", str(EXAMPLES / "sv"), "--rules", str(changed)])
    assert result.exit_code == 1
    assert "FAIL direct-phone.txt" in result.stdout
    assert "  - kinds counted: PHONE_NUMBER" in result.stdout


def test_bad_example_files_are_reported(cli: click.Group, tmp_path: Path) -> None:
    write(tmp_path / "nofront.txt", "just a body\n")
    write(tmp_path / "badkey.txt", "---\nexpect: maybe\n---\nbody\n")
    result = CliRunner().invoke(cli, ["rules", "test", str(tmp_path), "--rules", str(RULES)])
    assert result.exit_code == 1
    assert "FAIL nofront.txt: bad example file" in result.stdout
    assert "'expect' must be violation, clean or review" in result.stdout


def test_empty_folder_is_an_error(cli: click.Group, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "test", str(tmp_path), "--rules", str(RULES)])
    assert result.exit_code == 1 and "no example files" in result.stderr


def test_rules_check_ok_and_bad(cli: click.Group, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "check", str(RULES)])
    assert result.exit_code == 0 and result.stdout.startswith("ok: ")
    bad = write(tmp_path / "bad.yaml", "entities:\n  PHONE_NUMBER:\n    recognizers: [phone]\n    threshold: high\n")
    result = CliRunner().invoke(cli, ["rules", "check", str(bad)])
    assert result.exit_code == 1
    assert "line 4" in result.stderr and "entities.PHONE_NUMBER.threshold" in result.stderr


GATE = "entities: {EMAIL_ADDRESS: {recognizers: [email]}}\npolicy: [{name: any-email, if_any: [EMAIL_ADDRESS]}]\n"


def test_rules_check_without_file_uses_env(cli: click.Group, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIDGE_RULES", str(write(tmp_path / "r.yaml", "mode: enforce\n" + GATE)))
    result = CliRunner().invoke(cli, ["rules", "check"])
    assert result.exit_code == 0 and "mode enforce" in result.stdout
