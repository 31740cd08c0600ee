"""The rules schema (``rules.yaml``) and its loader.

Everything the detector and the policy decide comes from here: which entity types are
looked for and by which recognizers, their score thresholds and context words per
language, the allow lists, the requester-self exemption, which combinations make a
violation and what happens then. Python code only implements recognizers and checksums.

``load_rules`` validates the whole file once; a ``RulesError`` names the line and the
key at fault (``rules.yaml line 42: entities.PHONE_NUMBER.threshold: ...``).
"""

from __future__ import annotations

import hashlib
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from bridge.extract.limits import AttachmentLimits

DEFAULT_RULES_FILE = "rules.yaml"
ENV_RULES = "BRIDGE_RULES"


class RulesError(Exception):
    """The rules file is missing, not YAML, or does not fit the schema. The message says where."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


PerLanguage = dict[str, list[str]]


class EntityRule(_Model):
    """How one entity type is found and when a finding of it is trusted."""

    enabled: bool = True
    description: str = ""
    recognizers: list[str] = Field(default_factory=list, description="recognizer names (bridge.recognizers.REGISTRY) or presidio:ClassName")
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="findings scoring below this do not count")
    context: PerLanguage = Field(default_factory=dict, description="words that, shortly before a match, make it likely")
    ignore_context: PerLanguage = Field(default_factory=dict, description="words that, shortly before a match, make it not personal")
    context_window: int = Field(40, ge=0, le=400, description="characters before a match searched for context words")
    options: dict[str, Any] = Field(default_factory=dict, description="recognizer-specific settings")

    def words(self, language: str) -> list[str]:
        return list(self.context.get(language, []))

    def ignore_words(self, language: str) -> list[str]:
        return list(self.ignore_context.get(language, []))


class AllowPattern(_Model):
    entity: str = Field("*", description="entity type the pattern applies to, * for all")
    regex: str
    note: str = ""

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class AllowLists(_Model):
    role_mailboxes: list[str] = Field(default_factory=list, description="local parts of shared mailboxes (support, info ...)")
    role_mailbox_prefixes: list[str] = Field(default_factory=list, description="local parts starting with these are role mailboxes")
    email_domains: list[str] = Field(default_factory=list, description="addresses at these domains (and subdomains) are organisation data")
    patterns: list[AllowPattern] = Field(default_factory=list)
    values: list[str] = Field(default_factory=list, description="exact values never to count")


class SignatureBlock(_Model):
    """The requester's own sign-off: their name on a line, then short contact lines."""

    lines: int = Field(default=0, ge=0, le=20)  # contact lines after the name line; 0: off
    labels: list[str] = Field(default_factory=list)  # words a contact line may hold besides numbers


class RequesterExemption(_Model):
    enabled: bool = True
    entities: list[str] = Field(default_factory=lambda: ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"])
    phone_regions: list[str] = Field(default_factory=lambda: ["GB", "US", "SE", "DE"])
    signature: SignatureBlock = Field(default_factory=SignatureBlock)
    # a phone right after one of these words is the requester's own ("call me on ...")
    own_phone_context: list[str] = Field(default_factory=list)
    own_phone_window: int = Field(default=30, ge=0, le=200)


class PolicyRule(_Model):
    """A violation rule: a ticket breaks it when it holds any of ``if_any`` and,
    when ``together_with`` is given, also any of ``together_with`` (anywhere in the ticket)."""

    name: str = Field(min_length=1)
    description: str = ""
    if_any: list[str] = Field(min_length=1)
    together_with: list[str] | None = None
    action: Literal["violation", "delete", "review", "none"] = "violation"


class Actions(_Model):
    violation: Literal["delete", "review", "none"] = "delete"
    review_tag: str = Field("gdpr-review", min_length=1)
    clear_tag: str | None = None


class AttachmentRules(_Model):
    screenshots: Literal["scan", "reject"] = "scan"
    on_unscannable: Literal["review", "delete", "none"] = "review"
    limits: AttachmentLimits = Field(default_factory=AttachmentLimits)


class PlatformScope(_Model):
    projects: list[str] = Field(default_factory=list)
    jql: str | None = None


class Sweep(_Model):
    interval_minutes: int = Field(0, ge=0)
    window_minutes: int = Field(120, gt=0)


class RateLimit(_Model):
    requests_per_minute: float = Field(gt=0, description="API requests a minute all workers together may make")
    burst: int | None = Field(None, ge=1, description="requests at once after a quiet spell; default 5 % of a minute's")


class Languages(_Model):
    default: str = "en"
    supported: list[str] = Field(default_factory=lambda: ["en", "sv", "de"], min_length=1)

    @model_validator(mode="after")
    def _default_supported(self) -> "Languages":
        if self.default not in self.supported:
            raise ValueError(f"default: language {self.default!r} is not in supported {self.supported}")
        return self


class NamesConfig(_Model):
    """Where first names come from (a name list shipped by a PyPI package, not Faker)."""

    countries: list[str] | Literal["all"] = "all"
    min_frequency: int = Field(1, ge=1, le=13)
    extra_first_names: list[str] = Field(default_factory=list)
    not_first_names: list[str] = Field(default_factory=list)
    organisation_suffixes: list[str] = Field(default_factory=list)
    not_surnames: list[str] = Field(default_factory=list)
    stop_word_countries: list[str] = Field(default_factory=list, description="a stop word is a first name if common in one of these")
    stop_word_min_frequency: int = Field(5, ge=1, le=13)


class ScannerConfig(_Model):
    nlp: dict[str, str] = Field(default_factory=dict, description="spaCy model per language, or 'blank' (the default) for the tokenizer only")
    names: NamesConfig = Field(default_factory=NamesConfig)
    max_part_chars: int = Field(200_000, gt=0, description="longer text parts are scanned in pieces of this size")
    max_ticket_chars: int = Field(1_000_000, gt=0, description="characters scanned per ticket; past it: review")
    max_scan_seconds: float = Field(120.0, gt=0, description="wall clock of one ticket's scan; past it: review")
    overlap_priority: list[str] = Field(
        default_factory=list, description="when findings overlap and both reach their threshold, the type listed first wins"
    )


class Rules(_Model):
    """The validated contents of rules.yaml."""

    version: int = 1
    mode: Literal["monitor", "enforce"] = "monitor"
    languages: Languages = Field(default_factory=Languages)
    scanner: ScannerConfig = Field(default_factory=ScannerConfig)
    entities: dict[str, EntityRule] = Field(default_factory=dict)
    allow: AllowLists = Field(default_factory=AllowLists)
    requester_exemption: RequesterExemption = Field(default_factory=RequesterExemption)
    policy: list[PolicyRule] = Field(default_factory=list)
    actions: Actions = Field(default_factory=Actions)
    attachments: AttachmentRules = Field(default_factory=AttachmentRules)
    scope: dict[str, PlatformScope] = Field(default_factory=dict)
    sweep: Sweep = Field(default_factory=Sweep)
    rate_limits: dict[str, RateLimit] = Field(default_factory=dict)

    _version_hash: str = PrivateAttr(default="")
    _source: str = PrivateAttr(default="")

    @property
    def version_hash(self) -> str:
        """sha256 of the file's bytes, first 12 hex digits (recorded with every decision)."""
        return self._version_hash

    @property
    def source(self) -> str:
        return self._source

    def enabled_entities(self) -> list[str]:
        return [name for name, rule in self.entities.items() if rule.enabled]

    @model_validator(mode="after")
    def _cross_checks(self) -> "Rules":
        from bridge.recognizers import known_recognizer

        for name, entity in self.entities.items():
            if entity.enabled and not entity.recognizers:
                raise ValueError(f"entities.{name}: an enabled entity needs at least one recognizer")
            for rec in entity.recognizers:
                if not known_recognizer(rec):
                    raise ValueError(f"entities.{name}.recognizers: unknown recognizer {rec!r}")
            for field_name in ("context", "ignore_context"):
                for lang in getattr(entity, field_name):
                    if lang not in self.languages.supported:
                        raise ValueError(f"entities.{name}.{field_name}: language {lang!r} is not in languages.supported")
        names = [rule.name for rule in self.policy]
        for i, rule in enumerate(self.policy):
            if names.count(rule.name) > 1:
                raise ValueError(f"policy[{i}].name: rule name {rule.name!r} is used twice")
            for key in ("if_any", "together_with"):
                for kind in getattr(rule, key) or []:
                    if kind not in self.entities:
                        raise ValueError(f"policy[{i}].{key}: {kind!r} is not defined under entities")
        for pattern in self.allow.patterns:
            if pattern.entity != "*" and pattern.entity not in self.entities:
                raise ValueError(f"allow.patterns: entity {pattern.entity!r} is not defined under entities")
        for kind in self.scanner.overlap_priority:
            if kind not in self.entities:
                raise ValueError(f"scanner.overlap_priority: {kind!r} is not defined under entities")
        for lang in self.scanner.nlp:
            if lang not in self.languages.supported:
                raise ValueError(f"scanner.nlp: language {lang!r} is not in languages.supported")
        return self


# --------------------------------------------------------------------------- loading


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


class _UniqueKeyLoader(yaml.SafeLoader):
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
        return super().construct_mapping(node, deep=deep)


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
    back silently to the defaults on a typo would enforce rules nobody chose.
    """
    resolved = _resolve(path)
    try:
        data = resolved.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"{resolved}: rules file not found (set BRIDGE_RULES or pass --rules)") from None
    except OSError as exc:
        raise RulesError(f"{resolved}: cannot read the rules file ({exc.strerror})") from None
    return parse_rules(data, label=str(resolved))
