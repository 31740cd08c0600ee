"""README's set-up and test commands are the ones that work on a fresh Debian 12 / Ubuntu 24.04
(where pip refuses the system Python), and CI runs README's test command as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sh_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def _setup_and_test_commands() -> tuple[str, str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Set-up", 1)[1].split("\n## ", 1)[0]
    blocks = _sh_blocks(section)
    setup = next(b for b in blocks if "gdpr-bridge serve" in b)
    test = next(b for b in blocks if "pytest" in b)
    return setup, test


def _venv_of(command: str) -> str:
    match = re.search(r"python3 -m venv (\S+)", command)
    assert match, f"no virtual environment is created in: {command}"
    return match.group(1)


def test_readme_setup_creates_and_uses_a_virtual_environment_before_pip() -> None:
    setup, _ = _setup_and_test_commands()
    steps = [s.strip() for s in setup.split("&&")]
    apt = next(s for s in steps if s.startswith("apt-get install"))
    assert "python3-venv" in apt.split()
    venv = _venv_of(setup)
    activate = f". {venv}/bin/activate"
    assert steps.index(f"python3 -m venv {venv}") < steps.index(activate) < steps.index("pip install -e .")
    assert steps[-1] == "gdpr-bridge serve"


def test_readme_test_command_runs_in_the_setup_environment() -> None:
    setup, test = _setup_and_test_commands()
    steps = [s.strip() for s in test.split("&&")]
    assert steps[0] == f". {_venv_of(setup)}/bin/activate"
    assert any(s.startswith("pip install -e '.[test]'") for s in steps)
    assert steps[-1].startswith("python -m pytest")


def test_ci_runs_readme_test_command_verbatim_after_creating_the_same_venv() -> None:
    setup, test = _setup_and_test_commands()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert test in ci_lines, "the test command in .ci/run differs from README's"
    create = f"python3 -m venv {_venv_of(setup)}"
    assert create in ci_lines and ci_lines.index(create) < ci_lines.index(test)
