"""The registry: recognizer names rules.yaml uses, and the classes they stand for.

``entities.<TYPE>.recognizers`` in rules.yaml lists names from ``REGISTRY`` or
``presidio:<ClassName>`` for any recognizer presidio ships (for example
``presidio:UsLicenseRecognizer``; those are off in the shipped rules because they
misfire on support tickets). Classes are named as "module:Class" strings and imported
only when built (``bridge.recognizers.factory``), so this module imports nothing of ours
and the rules schema can check names against it without a circle.
"""

from __future__ import annotations

import importlib

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
    "de_svnr": "bridge.recognizers.social_security:DeSvnrRecognizer",
    "de_kvnr": "bridge.recognizers.social_security:DeKvnrRecognizer",
    "at_svnr": "bridge.recognizers.social_security:AtSvnrRecognizer",
    "ch_ahv": "bridge.recognizers.social_security:ChAhvRecognizer",
    "no_fnr": "bridge.recognizers.social_security:NoFnrRecognizer",
    "fi_hetu": "bridge.recognizers.social_security:FiHetuRecognizer",
    "passport": "bridge.recognizers.person_code:PassportRecognizer",
    "person_code": "bridge.recognizers.person_code:PersonCodeRecognizer",
    "street_address": "bridge.recognizers.address:StreetAddressRecognizer",
    "date_of_birth": "bridge.recognizers.dates:DateOfBirthRecognizer",
    "person_names": "bridge.recognizers.names:PersonNameRecognizer",
    "spacy_person": "bridge.recognizers.names:SpacyPersonRecognizer",
    "special_category": "bridge.recognizers.special:SpecialCategoryRecognizer",
}

# presidio recognizers we replace by an offline variant
_PRESIDIO_OVERRIDES = {"EmailRecognizer": "bridge.recognizers.contact:OfflineEmailRecognizer"}

# recognizers that need the shared name matcher
NEEDS_NAMES = {"person_names", "spacy_person", "person_code", "phone", "ip_address"}


def load_class(path: str) -> type:
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


def class_path(name: str) -> str:
    if name in REGISTRY:
        return REGISTRY[name]
    cls_name = name.split(":", 1)[1]
    return _PRESIDIO_OVERRIDES.get(cls_name, f"presidio_analyzer.predefined_recognizers:{cls_name}")
