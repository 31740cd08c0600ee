"""Turn a ``Notice`` into the subject, plain text and HTML of the requester's email.

Templates are Jinja2 files in ``bridge/templates/email/<lang>/``:

- ``subject.txt`` (one line; newlines are folded),
- ``body.txt`` (the text/plain part),
- ``body.html`` (the text/html part, autoescaped; optional: without it the email is
  plain text only),
- ``names.yaml``: the human names of entity kinds (``kinds``, with ``generic`` for
  kinds it does not list), of places (``places``: ``subject``, ``body``,
  ``attachment`` with ``{nth}`` and ``{file}``, ``other``), of details inside an
  attachment (``details``: ``page``/``frame`` with ``{n}``, ``sheet``, ``headers``,
  Word parts, ``inner`` with ``{nth}`` and ``{file}`` for a file inside it), of file
  kinds (``files``: ``image``, ``pdf``, … ``file``) and the word for "and".

Overrides: when ``BRIDGE_TEMPLATES_DIR`` is set, that folder is searched first with the
same layout. A template file there replaces the built-in file of the same name (the
others still come from the built-in set); entries of a ``names.yaml`` there replace
single built-in entries; a new ``<lang>/`` folder with at least ``subject.txt`` and
``body.txt`` adds a language. Missing names fall back to English.

A redaction (``Notice.redacted``: the values were removed and the ticket remains) uses
``redacted_subject.txt``, ``redacted_body.txt`` and ``redacted_body.html`` of the same
folder (English when a language has none), and ``names.yaml``'s ``messages``: ``comment``
(with ``{date}``) or ``description``, the message the data was removed from. The place
``comment`` (a comment's text) reads ``places.comment``.

Templates see only: ``lang``, ``message`` (redactions), ``ticket_ref`` (``#123`` or ``SD-42``), ``ticket_id``,
``platform``, ``places`` (each with ``where``, ``kinds``, ``kinds_text``), ``kinds``
(all kind names), ``screenshot`` (an image was rejected), ``portal_url``, ``org_name``
and, in ``body.html``, ``subject``. Ticket text is never given to them, nor file names:
attachments are named by position and kind ("the 2nd attachment, an image"), from the
neutral places of ``bridge.notify.places``; any other place reads "elsewhere".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from bridge.notify.base import Notice, NotifyError
from bridge.notify.places import NEUTRAL

BUILTIN_DIR = Path(__file__).parent.parent / "templates" / "email"
FALLBACK_LANGUAGE = "en"
SCREENSHOT = "SCREENSHOT"



@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    text: str
    html: str | None


@dataclass(frozen=True)
class PlaceView:
    """One line of the list in the email: where, and the kinds found there."""

    where: str
    kinds: list[str]
    kinds_text: str


@dataclass(frozen=True)
class Names:
    """The human names of one language (``names.yaml``)."""

    and_word: str
    kinds: dict[str, str]
    places: dict[str, str]
    details: dict[str, str]
    files: dict[str, str]
    language: str = FALLBACK_LANGUAGE
    messages: dict[str, str] | None = None

    def message(self, date: str | None) -> str:
        """The message data was removed from: "your comment of <date>" or "the description"."""
        messages = self.messages or {}
        if date:
            return _fill(messages.get("comment", "{date}"), date=date)
        return messages.get("description", "")

    def kind(self, code: str) -> str:
        return self.kinds.get(code) or self.kinds["generic"]

    def kinds_in_order(self, codes: Iterable[str]) -> list[str]:
        """Distinct human names, in the order of ``names.yaml`` (unknown kinds last)."""
        order = {code: i for i, code in enumerate(self.kinds)}
        ranked = sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))
        names: list[str] = []
        for code in ranked:
            name = self.kind(code)
            if name not in names:
                names.append(name)
        return names

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.and_word} {items[-1]}"

    def place(self, where: str, date: str | None = None) -> str:
        """``attachment #2 pdf (page 3)`` -> ``in the 2nd attachment, a PDF document (page 3)``.

        Only the neutral form of ``bridge.notify.places`` is spelled out; anything else
        that is not the subject or the description reads "elsewhere" (it may hold a name).
        """
        if where in ("subject", "body"):
            return self.places[where]
        if where == "comment":
            return _fill(self.places.get("comment") or self.places["body"], date=date or "")
        match = NEUTRAL.match(where)
        if not match:
            return self.places["other"]
        text = _fill(self.places["attachment"], nth=self.nth(int(match["n"])), file=self.file(match["kind"]))
        details = [self.detail(d) for d in (match["details"] or "").split(", ") if d]
        return f"{text} ({', '.join(details)})" if details else text

    def detail(self, detail: str) -> str:
        key, _, rest = detail.partition(" ")
        if key == "inner":
            number, _, kind = rest.partition(" ")
            return _fill(self.details["inner"], nth=self.nth(int(number.lstrip("#"))), file=self.file(kind))
        if key in ("page", "frame"):
            return _fill(self.details[key], n=rest)
        return self.details.get(key, "")

    def file(self, kind: str) -> str:
        return self.files.get(kind) or self.files["file"]

    def nth(self, n: int) -> str:
        return ordinal(self.language, n)


def ordinal(language: str, n: int) -> str:
    """1st/2nd/3rd, 1:a/2:a/3:e, 1./2./3. (other languages: ``n.``)."""
    if language == "en":
        suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if language == "sv":
        return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"
    return f"{n}."


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, **values: str) -> str:
    """``str.format`` that leaves unknown fields empty (an old override may still say ``{name}``)."""
    return template.format_map(_Blank(values))


def primary_language(tag: str | None) -> str | None:
    """``sv-SE`` / ``sv_SE`` / ``SV`` -> ``sv``."""
    if not tag:
        return None
    head = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    return head if head.isalpha() else None


def same_locale(locale: str | None, default: str | None) -> bool:
    """``en_US`` is ``en-US``; a bare ``en`` is the default ``en-US`` too (the platform left it unset)."""
    if not locale or not default:
        return False
    a, b = (re.split(r"[-_.@]", tag.strip().lower()) for tag in (locale, default))
    return a[:2] == b[:2] or (len(a) == 1 and a[0] == b[0])


def ticket_ref(platform: str, ticket_id: str) -> str:
    """How the requester knows the ticket: ``#123`` (numeric ids) or ``SD-42`` (Jira keys)."""
    return f"#{ticket_id}" if ticket_id.isdigit() else ticket_id


def _capfirst(value: Any) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


class Renderer:
    """Holds the Jinja environment and the names tables; built once per process."""

    def __init__(self, override_dir: Path | None = None, portal_url: str | None = None, org_name: str | None = None) -> None:
        self.search_path = [p for p in (override_dir, BUILTIN_DIR) if p is not None]
        self.portal_url = portal_url
        self.org_name = org_name
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(p)) for p in self.search_path]),
            autoescape=select_autoescape(enabled_extensions=("html", "htm"), default_for_string=False, default=False),
            undefined=StrictUndefined,
        )
        self.env.filters["capfirst"] = _capfirst
        templates = set(self.env.list_templates())
        self._templates = templates
        self.languages = frozenset(
            t.split("/")[0] for t in templates if t.endswith("/subject.txt") and f"{t.split('/')[0]}/body.txt" in templates
        )
        if FALLBACK_LANGUAGE not in self.languages:
            raise NotifyError(f"no '{FALLBACK_LANGUAGE}' email templates found (looked in {', '.join(map(str, self.search_path))})", transient=False)
        self._html = {lang for lang in self.languages if f"{lang}/body.html" in templates}
        self.names = {lang: self._load_names(lang) for lang in self.languages}

    def language_for(self, locale: str | None, ticket_language: str | None, default_locale: str | None = None) -> str:
        """The email's language, the first of these that has templates:

        1. the requester's locale, when they chose it: it is not the platform's default locale
           (a requester left on the default en-US who writes in Swedish never chose English);
        2. the ticket's language (as detected, or as the platform gives it);
        3. the requester's locale, even when it is the platform's default;
        4. English.
        """
        requester, ticket = primary_language(locale), primary_language(ticket_language)
        chosen = requester if locale and not same_locale(locale, default_locale) else None
        for candidate in (chosen, ticket, requester):
            if candidate in self.languages:
                return candidate
        return FALLBACK_LANGUAGE

    def render(self, notice: Notice, language: str | None = None) -> Rendered:
        lang = language or self.language_for(notice.locale, notice.ticket_language, notice.default_locale)
        try:
            return self._render_all(lang, notice)
        except TemplateError as exc:
            # The template's own message (a name or syntax error) holds no ticket data.
            raise NotifyError(f"email template for '{lang}' is broken: {type(exc).__name__}: {exc.message}", transient=False) from None
        except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
            raise NotifyError(f"email templates or names.yaml for '{lang}' are broken ({type(exc).__name__})", transient=False) from None

    def _render_all(self, lang: str, notice: Notice) -> Rendered:
        if notice.kind == "channel":
            return self._render_channel(lang, notice)
        names = self.names[lang]
        places = self._places(notice.places, names, notice.message_date)
        prefix = ""
        if notice.redacted:
            prefix = "redacted_"
            if f"{lang}/redacted_body.txt" not in self._templates:
                lang, names = FALLBACK_LANGUAGE, self.names[FALLBACK_LANGUAGE]
                places = self._places(notice.places, names, notice.message_date)
        all_codes = [code for codes in notice.places.values() for code in codes]
        context: dict[str, Any] = {
            "lang": lang,
            "ticket_ref": ticket_ref(notice.platform, notice.ticket_id),
            "ticket_id": notice.ticket_id,
            "platform": notice.platform,
            "places": places,
            "kinds": names.kinds_in_order(all_codes) or [names.kind("generic")],
            "screenshot": SCREENSHOT in all_codes,
            "portal_url": self.portal_url,
            "org_name": self.org_name,
            "audience": notice.audience,
            "message": names.message(notice.message_date) if notice.redacted else "",
            "attachments_removed": any(NEUTRAL.match(where) for where in notice.places),
        }
        subject = " ".join(self._render(f"{lang}/{prefix}subject.txt", context).split())
        context["subject"] = subject
        text = self._render(f"{lang}/{prefix}body.txt", context).strip("\n") + "\n"
        html_name = f"{lang}/{prefix}body.html"
        html = self._render(html_name, context) if html_name in self._templates else None
        return Rendered(lang, subject, text, html)

    def _render_channel(self, lang: str, notice: Notice) -> Rendered:
        """The channels rule's notice (``channel_subject.txt``, ``channel_body.txt``, optional
        ``channel_body.html``): the ticket number, the channel, what was done and the portal;
        nothing of the ticket's content. A language without these templates gets English."""
        templates = set(self.env.list_templates())
        if f"{lang}/channel_subject.txt" not in templates or f"{lang}/channel_body.txt" not in templates:
            lang = FALLBACK_LANGUAGE
        context: dict[str, Any] = {
            "lang": lang, "ticket_ref": ticket_ref(notice.platform, notice.ticket_id), "ticket_id": notice.ticket_id,
            "platform": notice.platform, "channel": notice.channel or "other", "action": notice.action,
            "portal_url": notice.portal_url or self.portal_url, "org_name": self.org_name, "audience": notice.audience,
        }
        subject = " ".join(self._render(f"{lang}/channel_subject.txt", context).split())
        context["subject"] = subject
        text = self._render(f"{lang}/channel_body.txt", context).strip("\n") + "\n"
        html = self._render(f"{lang}/channel_body.html", context) if f"{lang}/channel_body.html" in templates else None
        return Rendered(lang, subject, text, html)

    def _render(self, name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(name).render(context)

    @staticmethod
    def _places(places: dict[str, list[str]], names: Names, date: str | None = None) -> list[PlaceView]:
        rank = {"subject": 0, "body": 1, "comment": 1}
        ordered = sorted(places.items(), key=lambda item: rank.get(item[0], 2))  # stable: attachments keep their order
        views = []
        for where, codes in ordered:
            kinds = names.kinds_in_order(codes) or [names.kind("generic")]
            views.append(PlaceView(names.place(where, date), kinds, names.join(kinds)))
        if not views:
            generic = [names.kind("generic")]
            views.append(PlaceView(names.places["other"], generic, names.join(generic)))
        return views

    def _load_names(self, lang: str) -> Names:
        merged: dict[str, Any] = {"and": "", "kinds": {}, "places": {}, "details": {}, "files": {}, "messages": {}}
        chain = [FALLBACK_LANGUAGE, lang] if lang != FALLBACK_LANGUAGE else [lang]
        for language in chain:
            for directory in reversed(self.search_path):  # built-in first, override on top
                path = directory / language / "names.yaml"
                if path.is_file():
                    _merge(merged, _read_names(path))
        return Names(
            and_word=str(merged["and"]),
            kinds=merged["kinds"],
            places=merged["places"],
            details=merged["details"],
            files=merged["files"],
            language=lang,
            messages=merged["messages"],
        )


def _read_names(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise NotifyError(f"cannot read {path}: {exc}", transient=False) from None
    if not isinstance(data, dict):
        raise NotifyError(f"{path}: expected a mapping with 'kinds', 'places', 'details', 'files' and 'and'", transient=False)
    unknown = set(data) - {"and", "kinds", "places", "details", "files", "messages"}
    if unknown:
        raise NotifyError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; allowed: and, kinds, places, details, files, messages", transient=False)
    for key in ("kinds", "places", "details", "files", "messages"):
        section = data.get(key, {})
        if not isinstance(section, dict) or not all(isinstance(v, str) for v in section.values()):
            raise NotifyError(f"{path}: '{key}' must map names to text", transient=False)
    if "and" in data and not isinstance(data["and"], str):
        raise NotifyError(f"{path}: 'and' must be text", transient=False)
    return data


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    if "and" in data:
        into["and"] = data["and"]
    for key in ("kinds", "places", "details", "files", "messages"):
        into[key].update(data.get(key) or {})
