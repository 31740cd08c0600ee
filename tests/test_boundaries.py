"""The core knows no platform: nothing under bridge/ imports zenpy, jira or adapters.*
except the registry in bridge/platform.py, which loads adapters by name, and nothing
under bridge/ compares with a platform's name to decide what to do."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

BRIDGE = Path(__file__).resolve().parents[1] / "bridge"
FORBIDDEN = ("zenpy", "jira", "adapters")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_a_platform_library_or_adapter() -> None:
    offenders = []
    for path in BRIDGE.rglob("*.py"):
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(BRIDGE.parent)} imports {name}")
    assert offenders == []


PLATFORM_NAMES = {"zendesk", "jira"}


def _names_a_platform(node: ast.AST) -> bool:
    """A string literal naming a platform, alone or inside a tuple/list/set literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip().lower() in PLATFORM_NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_platform(element) for element in node.elts)
    return False


def platform_comparisons(source: str) -> list[int]:
    """Lines that compare with a platform name (==, !=, in, is, match/case)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_names_a_platform(n) for n in (node.left, *node.comparators)):
            lines.append(node.lineno)
        elif isinstance(node, ast.match_case) and isinstance(node.pattern, ast.MatchValue):
            if _names_a_platform(node.pattern.value):
                lines.append(node.pattern.lineno)
    return lines


def test_core_has_no_platform_conditionals() -> None:
    offenders = []
    for path in BRIDGE.rglob("*.py"):
        for line in platform_comparisons(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(BRIDGE.parent)}:{line}")
    assert offenders == []


@pytest.mark.parametrize("code", [
    'if platform == "jira": pass',
    "if 'Zendesk' != name: pass",
    'ok = name in ("zendesk", "other")',
    'match name:\n    case "jira": pass',
])
def test_the_conditional_check_catches_each_form(code: str) -> None:
    assert platform_comparisons(code) == [1] or platform_comparisons(code) == [2]


def test_the_registry_names_exactly_the_platforms_the_check_knows() -> None:
    from bridge.platform import platform_names

    assert set(platform_names()) == PLATFORM_NAMES


def test_registry_is_the_only_place_naming_adapter_modules() -> None:
    mentions = [p.name for p in BRIDGE.rglob("*.py") if "adapters." in p.read_text(encoding="utf-8")]
    assert mentions == ["platform.py"]


def test_web_process_imports_no_platform_library_or_scanner() -> None:
    """The webhook receivers load without zenpy, jira or presidio (a light web process)."""
    code = (
        "import sys; from bridge.platform import get_webhook_receiver; "
        "get_webhook_receiver('zendesk', {'ZENDESK_WEBHOOK_SECRET': 's'}); "
        "get_webhook_receiver('jira', {'JIRA_WEBHOOK_SECRET': 's'}); "
        "print(sorted(m for m in ('zenpy', 'jira', 'presidio_analyzer', 'spacy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=BRIDGE.parent, check=True)
    assert out.stdout.strip() == "[]"
