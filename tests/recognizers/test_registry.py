"""The registry names every recognizer rules.yaml may use and imports nothing of ours, so the
rules schema can check names against it without importing the recognizers (no circle)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from bridge.recognizers.registry import REGISTRY, class_path, known_recognizer, load_class

BRIDGE = Path(__file__).resolve().parents[2] / "bridge"


def test_registry_imports_nothing_of_ours() -> None:
    tree = ast.parse((BRIDGE / "recognizers" / "registry.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert not {name for name in imported if name.startswith(("bridge", "."))}


def test_loading_the_rules_schema_does_not_load_the_recognizers() -> None:
    probe = (
        "import sys, bridge.rules\n"
        "bridge.rules.parse_rules(b'entities: {PHONE_NUMBER: {recognizers: [phone]}}')\n"
        "print(sorted(m for m in sys.modules if m.startswith('bridge.recognizers')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['bridge.recognizers', 'bridge.recognizers.registry']"


def test_every_registered_name_loads_a_class() -> None:
    for name in REGISTRY:
        assert known_recognizer(name)
        assert isinstance(load_class(class_path(name)), type)


def test_presidio_names_are_known_and_unknown_ones_are_not() -> None:
    assert known_recognizer("presidio:UsLicenseRecognizer")
    assert not known_recognizer("presidio:NoSuchRecognizer")
    assert not known_recognizer("no_such_recognizer")
