"""Our presidio recognizers and the explicit registry rules.yaml names them by.

``entities.<TYPE>.recognizers`` in rules.yaml lists names from ``REGISTRY`` or
``presidio:<ClassName>`` for any recognizer presidio ships (for example
``presidio:UsLicenseRecognizer``; those are off in the shipped rules because they
misfire on support tickets). ``build_recognizers`` makes one instance per entity and
language with that entity's context words, ignore words and options.
"""

from __future__ import annotations

import importlib
import inspect
from typing import TYPE_CHECKING, Any

from presidio_analyzer import EntityRecognizer

if TYPE_CHECKING:
    from bridge.rules import EntityRule, Rules

# name -> "module:Class" (bridge recognizers are configured from rules.yaml)
REGISTRY: dict[str, str] = {
    "email": "bridge.recognizers.contact:OfflineEmailRecognizer",
    "phone": "bridge.recognizers.contact:PhoneRecognizer",
    "ip_address": "bridge.recognizers.contact:IpAddressRecognizer",
    "credit_card": "bridge.recognizers.payment:PaymentCardRecognizer",
    "iban": "presidio_analyzer.predefined_recognizers:IbanRecognizer",
    "se_personnummer": "bridge.recognizers.national_ids:SePersonnummerRecognizer",
    "de_tax_id": "bridge.recognizers.national_ids:DeTaxIdRecognizer",
    "uk_nino": "bridge.recognizers.national_ids:UkNinoRecognizer",
    "uk_nhs": "bridge.recognizers.national_ids:UkNhsRecognizer",
    "us_ssn": "bridge.recognizers.national_ids:UsSsnRecognizer",
    "passport": "bridge.recognizers.person_code:PassportRecognizer",
    "person_code": "bridge.recognizers.person_code:PersonCodeRecognizer",
    "street_address": "bridge.recognizers.address:StreetAddressRecognizer",
    "date_of_birth": "bridge.recognizers.dates:DateOfBirthRecognizer",
    "person_names": "bridge.recognizers.names:PersonNameRecognizer",
    "spacy_person": "bridge.recognizers.names:SpacyPersonRecognizer",
}

# presidio recognizers we replace by an offline variant
_PRESIDIO_OVERRIDES = {"EmailRecognizer": "bridge.recognizers.contact:OfflineEmailRecognizer"}

# recognizers that need the shared name matcher
_NEEDS_NAMES = {"person_names", "spacy_person", "person_code"}


def _load(path: str) -> type:
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]


def known_recognizer(name: str) -> bool:
    if name in REGISTRY:
        return True
    if name.startswith("presidio:"):
        cls_name = name.split(":", 1)[1]
        module = importlib.import_module("presidio_analyzer.predefined_recognizers")
        return isinstance(getattr(module, cls_name, None), type)
    return False


def _class_path(name: str) -> str:
    if name in REGISTRY:
        return REGISTRY[name]
    cls_name = name.split(":", 1)[1]
    return _PRESIDIO_OVERRIDES.get(cls_name, f"presidio_analyzer.predefined_recognizers:{cls_name}")


def _build_presidio(cls: type, entity: str, language: str, rule: "EntityRule", name: str) -> EntityRecognizer:
    params = inspect.signature(cls.__init__).parameters
    kwargs: dict[str, Any] = {"supported_language": language}
    if "supported_entity" in params:
        kwargs["supported_entity"] = entity
    if "context" in params and rule.words(language):
        kwargs["context"] = rule.words(language)
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if "name" in params or accepts_any:
        kwargs["name"] = name
    return cls(**kwargs)  # type: ignore[no-any-return]


def build_recognizers(rules: "Rules", language: str) -> list[EntityRecognizer]:
    """One recognizer instance per (enabled entity, recognizer name) for ``language``."""
    from bridge.recognizers.base import BridgeRecognizer
    from bridge.recognizers.names import matcher_from_options

    out: list[EntityRecognizer] = []
    for entity, rule in rules.entities.items():
        if not rule.enabled:
            continue
        for rec_name in rule.recognizers:
            cls = _load(_class_path(rec_name))
            if issubclass(cls, BridgeRecognizer):
                kwargs: dict[str, Any] = dict(
                    entity=entity,
                    language=language,
                    context=rule.words(language),
                    ignore_context=rule.ignore_words(language),
                    window=rule.context_window,
                    options=rule.options,
                    name=rec_name,
                )
                if rec_name in _NEEDS_NAMES:
                    person = rules.entities.get("PERSON")
                    options = person.options if person is not None else {}
                    kwargs["matcher"] = matcher_from_options(options, rules.scanner.names, rules.languages.supported)
                out.append(cls(**kwargs))
            else:
                out.append(_build_presidio(cls, entity, language, rule, rec_name))
    return out
