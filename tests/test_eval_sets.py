"""Every regression set under eval/ stays within the thresholds eval/thresholds.yaml states for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "eval"
THRESHOLDS = yaml.safe_load((SETS / "thresholds.yaml").read_text(encoding="utf-8")) or {}
NAMES = sorted(p.name for p in SETS.iterdir() if (p / "tickets.jsonl").is_file())


def test_every_set_states_thresholds_and_a_readme() -> None:
    assert NAMES, "eval/ holds no set"
    for name in NAMES:
        assert name in THRESHOLDS, f"eval/thresholds.yaml: no thresholds for {name}"
        assert (SETS / name / "README.md").is_file(), f"eval/{name}: no README.md"
        assert {"false_delete_max", "miss_max", "review_max"} <= set(THRESHOLDS[name]), f"eval/thresholds.yaml: {name}"


@pytest.mark.parametrize("name", NAMES)
def test_set_stays_within_its_thresholds(name: str) -> None:
    limits = THRESHOLDS[name]
    command = [sys.executable, "-m", "bridge.cli", "eval", str(SETS / name), "--json", "--no-progress",
               "--rules", str(ROOT / "rules.yaml")]
    if limits.get("text_only"):
        command.append("--text-only")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    overall = json.loads(done.stdout)["overall"]
    wrong = [
        (t["id"], t["expected"], t["verdict"]) for t in json.loads(done.stdout)["tickets"]
        if (t["expected"] == "clean") != (t["verdict"] == "clean")
    ]
    assert overall["false_delete_rate"] <= limits["false_delete_max"], wrong
    assert overall["miss_rate"] <= limits["miss_max"], wrong
    assert overall["review_rate"] <= limits["review_max"], wrong
