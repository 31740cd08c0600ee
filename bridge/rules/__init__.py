"""The rules: their schema (``schema``) and the loader of ``rules.yaml`` (``loader``)."""

from bridge.rules.loader import DEFAULT_RULES_FILE, ENV_RULES, RulesError, default_rules_path, load_rules, parse_rules
from bridge.rules.schema import (
    Actions,
    AllowLists,
    AllowPattern,
    AttachmentRules,
    EntityRule,
    Languages,
    NamesConfig,
    PlatformScope,
    PolicyRule,
    RequesterExemption,
    Rules,
    ScannerConfig,
    SignatureBlock,
    Sweep,
)

__all__ = [
    "Actions",
    "AllowLists",
    "AllowPattern",
    "AttachmentRules",
    "DEFAULT_RULES_FILE",
    "ENV_RULES",
    "EntityRule",
    "Languages",
    "NamesConfig",
    "PlatformScope",
    "PolicyRule",
    "RequesterExemption",
    "Rules",
    "RulesError",
    "ScannerConfig",
    "SignatureBlock",
    "Sweep",
    "default_rules_path",
    "load_rules",
    "parse_rules",
]
