"""Reading ``rules.yaml``: find the file, parse the YAML, validate it against the schema.

``load_rules`` validates the whole file once; a ``RulesError`` names the line and the
key at fault (``rules.yaml line 42: entities.PHONE_NUMBER.threshold: ...``).
"""

from __future__ import annotations

import hashlib
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bridge.rules.schema import Rules

DEFAULT_RULES_FILE = "rules.yaml"
ENV_RULES = "BRIDGE_RULES"


class RulesError(Exception):
    """The rules file is missing, not YAML, or does not fit the schema. The message says where."""



def default_rules_path() -> Path:
    """The copy of rules.yaml shipped inside the package."""
    return Path(str(resources.files("bridge") / "data" / "default_rules.yaml"))


def _resolve(path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_RULES)
    if env:
        return Path(env)
    local = Path(DEFAULT_RULES_FILE)
    return local if local.is_file() else default_rules_path()


class _UniqueKeyLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest YAML node that ``loc`` reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == str(key):
                    found = (key_node, value_node)
                    break
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


_LOC_IN_MESSAGE = re.compile(r"^([A-Za-z_][\w]*(?:(?:\.[\w\-]+)|(?:\[\d+\]))*)(?::|$)")


def _loc_from_message(message: str) -> tuple[Any, ...]:
    """Cross-field validators name their key at the start of the message (``policy[1].if_any: ...``)."""
    match = _LOC_IN_MESSAGE.match(message)
    if not match:
        return ()
    loc: list[Any] = []
    for piece in re.findall(r"[\w\-]+|\[\d+\]", match.group(1)):
        loc.append(int(piece[1:-1]) if piece.startswith("[") else piece)
    return tuple(loc)


def _format_error(label: str, root: yaml.Node | None, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        inner = _loc_from_message(msg)
        full = loc + inner if inner else loc
        key = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in full).replace(".[", "[") or "(top level)"
        line = _line_of(root, full)
        where = f"{label} line {line}" if line else label
        if inner:
            msg = msg.split(":", 1)[1].strip() if ":" in msg else msg
        if err["type"] == "extra_forbidden":
            msg = "unknown key (a typo?)"
        msg = re.sub(r" or instance of \w+", "", msg)  # pydantic names our model class: not for admins
        lines.append(f"{where}: {key}: {msg}")
    return "\n".join(lines)


def parse_rules(data: bytes, label: str = "rules.yaml") -> Rules:
    """Validate rules given as bytes; ``label`` names the file in error messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        root = yaml.compose(text, Loader=_UniqueKeyLoader)
        raw = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" line {mark.line + 1}" if mark else ""
        raise RulesError(f"{label}{line}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{label}: not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RulesError(f"{label} line 1: (top level): must be a mapping of keys, got {type(raw).__name__}")
    try:
        rules = Rules.model_validate(raw)
    except ValidationError as exc:
        raise RulesError(_format_error(label, root, exc)) from None
    rules._version_hash = hashlib.sha256(data).hexdigest()[:12]
    rules._source = label
    return rules


def load_rules(path: str | Path | None = None) -> Rules:
    """Load and validate the rules.

    ``path`` None means ``$BRIDGE_RULES``, else ``./rules.yaml``, else the packaged
    default. A path given explicitly (argument or ``BRIDGE_RULES``) must exist: falling
    back silently to the defaults on a typo would enforce rules nobody chose. A file
    that turns the gate off (``Rules.gate_off_reason``) is refused the same way.
    """
    resolved = _resolve(path)
    try:
        data = resolved.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"{resolved}: rules file not found (set BRIDGE_RULES or pass --rules)") from None
    except OSError as exc:
        raise RulesError(f"{resolved}: cannot read the rules file ({exc.strerror})") from None
    rules = parse_rules(data, label=str(resolved))
    reason = rules.gate_off_reason()
    if reason is not None:
        raise RulesError(f"{resolved}: these rules turn the gate off: {reason}")
    return rules
