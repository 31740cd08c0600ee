"""Building recognizer instances from the rules: one per enabled entity, recognizer name and language."""

from __future__ import annotations

import inspect
from typing import Any

from presidio_analyzer import EntityRecognizer

from bridge.recognizers.base import BridgeRecognizer
from bridge.recognizers.names import matcher_from_options
from bridge.recognizers.registry import NEEDS_NAMES, class_path, load_class
from bridge.rules.schema import EntityRule, Rules


def _build_presidio(cls: type, entity: str, language: str, rule: EntityRule, name: str) -> EntityRecognizer:
    params = inspect.signature(cls).parameters
    kwargs: dict[str, Any] = {"supported_language": language}
    if "supported_entity" in params:
        kwargs["supported_entity"] = entity
    if "context" in params and rule.words(language):
        kwargs["context"] = rule.words(language)
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if "name" in params or accepts_any:
        kwargs["name"] = name
    return cls(**kwargs)  # type: ignore[no-any-return]


def _words(rules: Rules, rule: EntityRule, language: str, ignore: bool = False) -> list[str]:
    """The rule's context (or ignore) words for ``language``; with ``options.context_all_languages``
    those of every supported language: an identifier is found whatever language the ticket
    was detected in ("Seine Personnummer ...", "The Steuer-ID ...", a pasted form in English)."""
    get = rule.ignore_words if ignore else rule.words
    if not rule.options.get("context_all_languages"):
        return get(language)
    out: list[str] = []
    for lang in [language, *rules.languages.supported]:
        out.extend(w for w in get(lang) if w not in out)
    return out


def build_recognizers(rules: Rules, language: str) -> list[EntityRecognizer]:
    """One recognizer instance per (enabled entity, recognizer name) for ``language``."""
    out: list[EntityRecognizer] = []
    for entity, rule in rules.entities.items():
        if not rule.enabled:
            continue
        for rec_name in rule.recognizers:
            cls = load_class(class_path(rec_name))
            if issubclass(cls, BridgeRecognizer):
                kwargs: dict[str, Any] = dict(
                    entity=entity,
                    language=language,
                    context=_words(rules, rule, language),
                    ignore_context=_words(rules, rule, language, ignore=True),
                    window=rule.context_window,
                    options=rule.options,
                    name=rec_name,
                )
                if rec_name in NEEDS_NAMES:
                    person = rules.entities.get("PERSON")
                    options = person.options if person is not None else {}
                    kwargs["matcher"] = matcher_from_options(options, rules.scanner.names, rules.languages.supported)
                out.append(cls(**kwargs))
            else:
                out.append(_build_presidio(cls, entity, language, rule, rec_name))
    return out
