"""The core knows no platform: nothing under bridge/ imports zenpy, jira or adapters.*
except the registry in bridge/platform.py, which loads adapters by name."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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


def test_core_has_no_platform_conditionals() -> None:
    offenders = []
    for path in BRIDGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ('== "zendesk"', "== 'zendesk'", '== "jira"', "== 'jira'"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


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
