"""A rules file that turns the gate off is refused everywhere: ``rules check`` exits non-zero
with the reason, ``serve`` / ``worker`` refuse to start with one line, ``doctor`` FAILs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from click.testing import CliRunner

from bridge.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SHIPPED: dict[str, Any] = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))


def _shipped(change: Callable[[dict[str, Any]], None]) -> str:
    data = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    change(data)
    return yaml.safe_dump(data, allow_unicode=True)


def _all_disabled(data: dict[str, Any]) -> None:
    for entity in data["entities"].values():
        entity["enabled"] = False


def _only_person(data: dict[str, Any]) -> None:
    # PERSON counts only together with another type: with every other type off no rule can fire
    for name, entity in data["entities"].items():
        entity["enabled"] = name == "PERSON"


def _no_policy(data: dict[str, Any]) -> None:
    data["policy"] = []


def _rules_act_with_none(data: dict[str, Any]) -> None:
    for rule in data["policy"]:
        rule["action"] = "none"


GATE_OFF = {
    "empty file": ("", "no entity type is enabled"),
    "only version and mode": ("version: 1\nmode: enforce\n", "no entity type is enabled"),
    "every entity disabled": (_shipped(_all_disabled), "no entity type is enabled"),
    "no policy rule": (_shipped(_no_policy), "no policy rule"),
    "rules name only disabled types": (_shipped(_only_person), "no policy rule can ever fire"),
    "every rule acts with none": (_shipped(_rules_act_with_none), "no policy rule can ever fire"),
}


@pytest.fixture(params=sorted(GATE_OFF))
def gate_off(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    text, reason = GATE_OFF[request.param]
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path, reason


def test_rules_check_refuses_with_the_reason(gate_off: tuple[Path, str]) -> None:
    path, reason = gate_off
    result = CliRunner().invoke(cli, ["rules", "check", str(path)])
    assert result.exit_code != 0
    assert "turn the gate off" in result.output and reason in result.output


def test_rules_check_accepts_the_shipped_rules() -> None:
    result = CliRunner().invoke(cli, ["rules", "check", str(ROOT / "rules.yaml")])
    assert result.exit_code == 0, result.output


def test_doctor_fails_on_gate_off_rules(gate_off: tuple[Path, str], tmp_path: Path) -> None:
    path, reason = gate_off
    env = {"BRIDGE_RULES": str(path), "BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_QUEUE_URL": ""}
    result = CliRunner().invoke(cli, ["doctor"], env=env)
    assert result.exit_code != 0
    [line] = [line for line in result.output.splitlines() if line.split()[1:2] == ["rules:"]]
    assert line.startswith("FAIL") and reason in line and "Error:" not in line


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_processes_refuse_to_start_in_one_line(command: str, tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nmode: enforce\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIDGE_RULES": str(path),
           "BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_QUEUE_URL": "", "PORT": "18999"}
    done = subprocess.run([sys.executable, "-m", "bridge.cli", command], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "refusing to start" in lines[0] and "no entity type is enabled" in lines[0]
