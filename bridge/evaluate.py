"""Run a labelled corpus (format: docs/corpus-format.md) and measure the detector.

Figures, overall and per language: false-delete rate (clean tickets judged violations),
miss rate (violations judged clean), review rate, per-entity recall and precision, and
tickets per second. Findings are matched to labels by (type, place, overlapping text).

With ``text_only`` attachments are left out, and a ticket whose labels include
attachment items is re-labelled from its subject/body items with the corpus's own label
policy (README "Label policy": any direct identifier, or a full name with any other
identifier). That is the corpus's definition, not our rules: the rules are what is
being measured.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from bridge.eval_breakdown import Breakdown, format_breakdown
from bridge.filenames import NAME_PLACE
from bridge.findings import Decision, Finding
from bridge.platform import Requester, Ticket
from bridge.policy import admissible
from bridge.rules import Rules

# The label policy of docs/corpus-format.md, used only to re-label text-only runs.
LABEL_DIRECT = frozenset(
    "EMAIL_ADDRESS PHONE_NUMBER STREET_ADDRESS US_SSN UK_NINO UK_NHS SE_PERSONNUMMER DE_TAX_ID "
    "DE_SVNR DE_KVNR AT_SVNR CH_AHV NO_FNR FI_HETU PASSPORT CREDIT_CARD IBAN_CODE DATE_OF_BIRTH".split()
)
TEXT_PLACES = ("subject", "body")


class CorpusError(Exception):
    """The corpus folder or a line of tickets.jsonl is not in the expected format."""


@dataclass
class CorpusAttachment:
    filename: str
    path: Path
    content_type: str | None = None


@dataclass
class CorpusTicket:
    id: str
    language: str
    ticket: Ticket
    attachments: list[CorpusAttachment]
    violation: bool
    found: list[dict[str, str]]

    def labels(self, text_only: bool) -> list[dict[str, str]]:
        return [f for f in self.found if not text_only or f["where"] in TEXT_PLACES]

    def expected_violation(self, text_only: bool) -> bool:
        if not text_only or all(f["where"] in TEXT_PLACES for f in self.found):
            return self.violation
        return label_policy_violation(self.labels(text_only=True))


def label_policy_violation(items: Iterable[dict[str, str]]) -> bool:
    kinds = {item["type"] for item in items}
    return bool(kinds & LABEL_DIRECT) or ("PERSON" in kinds and len(kinds - {"PERSON"}) > 0)


def load_corpus(directory: str | Path) -> list[CorpusTicket]:
    root = Path(directory)
    source = root / "tickets.jsonl"
    if not source.is_file():
        raise CorpusError(f"{root}: no tickets.jsonl (see docs/corpus-format.md for the format)")
    out = []
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                requester = raw.get("requester") or {}
                ticket = Ticket(
                    id=str(raw["id"]),
                    platform="corpus",
                    subject=raw.get("subject") or "",
                    body=raw.get("body") or "",
                    requester=Requester(
                        name=requester.get("name"), email=requester.get("email"), phone=requester.get("phone"),
                        locale=requester.get("locale"),
                    ),
                )
                attachments = [
                    CorpusAttachment(a["filename"], root / a["path"], a.get("content_type"))
                    for a in raw.get("attachments") or []
                ]
                label = raw.get("label") or {}
                out.append(
                    CorpusTicket(
                        id=ticket.id,
                        language=str(raw.get("language") or "?"),
                        ticket=ticket,
                        attachments=attachments,
                        violation=bool(label.get("violation")),
                        found=list(label.get("found") or []),
                    )
                )
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{source} line {number}: not JSON ({exc.msg} at column {exc.colno})") from None
            except KeyError as exc:
                raise CorpusError(f"{source} line {number}: the key {exc.args[0]!r} is missing"
                                  " (see docs/corpus-format.md)") from None
            except (TypeError, ValueError, AttributeError):
                raise CorpusError(f"{source} line {number}: a value has the wrong type"
                                  " (see docs/corpus-format.md)") from None
    return out


# --------------------------------------------------------------------------- matching


def _norm(text: str) -> str:
    return "".join(text.casefold().split())


def _spans(haystack: str, needle: str) -> list[tuple[int, int]]:
    spans = []
    pos = haystack.find(needle)
    while needle and pos != -1:
        spans.append((pos, pos + len(needle)))
        pos = haystack.find(needle, pos + 1)
    return spans


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def labelled_place(finding: Finding, filenames: list[str]) -> Finding:
    """A finding in the n-th attachment's file name (place ``attachment-name:<n>``) as the corpus
    labels it: ``attachment:<filename>`` (docs/corpus-format.md). Other findings unchanged."""
    prefix = NAME_PLACE + ":"
    if not finding.place.startswith(prefix):
        return finding
    number = finding.place[len(prefix):]
    if not number.isdigit() or not 1 <= int(number) <= len(filenames):
        return finding
    return replace(finding, place=f"attachment:{filenames[int(number) - 1]}", detail=FILE_NAME_DETAIL)


FILE_NAME_DETAIL = "file name"


def finding_matches(finding: Finding, label: dict[str, str], ticket: Ticket) -> bool:
    if finding.entity_type != label["type"] or finding.place != label["where"]:
        return False
    if finding.place in TEXT_PLACES:
        text = ticket.subject if finding.place == "subject" else ticket.body
        return any(finding.start < e and s < finding.end for s, e in _spans(text, label["text"]))
    if finding.detail == FILE_NAME_DETAIL:
        # a file name joins words with "_" ("Anna_Berg"), the finding reads them with spaces
        value, wanted = _alnum(finding.value), _alnum(label["text"])
    else:
        value, wanted = _norm(finding.value), _norm(label["text"])
    return bool(value) and bool(wanted) and (value in wanted or wanted in value)


@dataclass
class Counts:
    tickets: int = 0
    violations: int = 0
    clean: int = 0
    false_deletes: int = 0
    misses: int = 0
    reviews: int = 0

    def add(self, expected: bool, verdict: str) -> None:
        self.tickets += 1
        if expected:
            self.violations += 1
            self.misses += verdict == "clean"
        else:
            self.clean += 1
            self.false_deletes += verdict == "violation"
        self.reviews += verdict == "review"

    def rates(self) -> dict[str, Any]:
        def rate(n: int, d: int) -> float:
            return round(n / d, 4) if d else 0.0

        return {
            "tickets": self.tickets,
            "violations": self.violations,
            "clean": self.clean,
            "false_deletes": self.false_deletes,
            "misses": self.misses,
            "reviews": self.reviews,
            "false_delete_rate": rate(self.false_deletes, self.clean),
            "miss_rate": rate(self.misses, self.violations),
            "review_rate": rate(self.reviews, self.tickets),
        }


@dataclass
class EntityCounts:
    labels: int = 0
    labels_found: int = 0
    findings: int = 0
    findings_right: int = 0

    def figures(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "findings": self.findings,
            "recall": round(self.labels_found / self.labels, 4) if self.labels else None,
            "precision": round(self.findings_right / self.findings, 4) if self.findings else None,
        }


@dataclass
class EvalReport:
    corpus: str
    text_only: bool
    rules_version: str
    seconds: float = 0.0
    overall: Counts = field(default_factory=Counts)
    languages: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    entities: dict[str, EntityCounts] = field(default_factory=lambda: defaultdict(EntityCounts))
    language_entities: dict[str, dict[str, EntityCounts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(EntityCounts)))
    language_hits: int = 0
    attachment_items: EntityCounts = field(default_factory=EntityCounts)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    breakdown: Breakdown = field(default_factory=Breakdown)

    def to_dict(self) -> dict[str, Any]:
        n = self.overall.tickets
        return {
            **self.breakdown.to_dict(),
            "corpus": self.corpus,
            "text_only": self.text_only,
            "rules_version": self.rules_version,
            "overall": self.overall.rates(),
            "per_language": {lang: c.rates() for lang, c in sorted(self.languages.items())},
            "entities": {k: v.figures() for k, v in sorted(self.entities.items())},
            "per_language_entities": {
                lang: {k: v.figures() for k, v in sorted(ents.items())} for lang, ents in sorted(self.language_entities.items())
            },
            "attachment_items_recall": self.attachment_items.figures()["recall"],
            "language_detection_accuracy": round(self.language_hits / n, 4) if n else None,
            "seconds": round(self.seconds, 3),
            "tickets_per_second": round(n / self.seconds, 1) if self.seconds > 0 else None,
            "tickets": self.tickets,
        }


def _score_entities(report: EvalReport, item: CorpusTicket, counted: list[Finding], text_only: bool) -> None:
    labels = item.labels(text_only)
    for label in labels:
        hit = any(finding_matches(f, label, item.ticket) for f in counted)
        for bucket in (report.entities, report.language_entities[item.language]):
            bucket[label["type"]].labels += 1
            bucket[label["type"]].labels_found += hit
        if label["where"].startswith("attachment:"):
            report.attachment_items.labels += 1
            report.attachment_items.labels_found += hit
    distinct: dict[tuple[str, str, str], Finding] = {}
    for f in counted:
        distinct.setdefault((f.entity_type, f.place, _norm(f.value)), f)
    for f in distinct.values():
        right = any(finding_matches(f, label, item.ticket) for label in labels)
        for bucket in (report.entities, report.language_entities[item.language]):
            bucket[f.entity_type].findings += 1
            bucket[f.entity_type].findings_right += right


Judge = Callable[[CorpusTicket], Decision]
Detect = Callable[[CorpusTicket], str]


def evaluate(
    corpus: list[CorpusTicket],
    judge: Judge,
    detect: Detect,
    rules: Rules,
    *,
    text_only: bool,
    corpus_name: str = "",
    progress: Callable[[Iterable[CorpusTicket]], Iterable[CorpusTicket]] = lambda it: it,
) -> EvalReport:
    """``judge(ticket) -> Decision`` is timed (tickets per second); ``detect`` (the language
    the analyzer chose, for the accuracy figure) is not."""
    report = EvalReport(corpus=corpus_name, text_only=text_only, rules_version=rules.version_hash)
    for item in progress(corpus):
        started = time.perf_counter()
        decision = judge(item)
        report.seconds += time.perf_counter() - started
        detected = detect(item)
        expected = item.expected_violation(text_only)
        report.overall.add(expected, decision.verdict)
        report.languages[item.language].add(expected, decision.verdict)
        report.language_hits += detected == item.language
        filenames = [a.filename for a in item.attachments]
        admitted = admissible(decision.findings, item.ticket, rules)
        counted = [labelled_place(f, filenames) for f in admitted]
        _score_entities(report, item, counted, text_only)
        report.breakdown.add(item.ticket, [labelled_place(f, filenames) for f in decision.findings],
                             item.labels(text_only), finding_matches)
        counted_ids = {id(f) for f in admitted}
        report.tickets.append(
            {
                "id": item.id,
                "language": item.language,
                "detected_language": detected,
                "expected": "violation" if expected else "clean",
                "verdict": decision.verdict,
                "reasons": list(decision.reasons),
                "findings": [dict(f.to_dict(), counted=id(f) in counted_ids) for f in decision.findings],
            }
        )
    return report


def format_report(data: dict[str, Any]) -> str:
    """The human-readable summary printed by ``gdpr-bridge eval``."""
    lines = [
        f"corpus {data['corpus']}  ({'text only' if data['text_only'] else 'with attachments'}; rules {data['rules_version']})",
        "",
        f"{'':10}{'tickets':>8}{'false-delete':>14}{'miss':>10}{'review':>10}",
    ]

    def row(name: str, r: dict[str, Any]) -> str:
        return (
            f"{name:10}{r['tickets']:>8}"
            f"{r['false_delete_rate'] * 100:>12.1f}% {r['miss_rate'] * 100:>8.1f}% {r['review_rate'] * 100:>8.1f}%"
            f"   ({r['false_deletes']} of {r['clean']} clean deleted, {r['misses']} of {r['violations']} violations missed)"
        )

    lines.append(row("overall", data["overall"]))
    for lang, r in data["per_language"].items():
        lines.append(row(lang, r))
    lines += ["", f"{'entity':18}{'labels':>8}{'recall':>9}{'findings':>10}{'precision':>11}"]
    for kind, e in data["entities"].items():
        recall = "-" if e["recall"] is None else f"{e['recall'] * 100:.1f}%"
        precision = "-" if e["precision"] is None else f"{e['precision'] * 100:.1f}%"
        lines.append(f"{kind:18}{e['labels']:>8}{recall:>9}{e['findings']:>10}{precision:>11}")
    if "by_part" in data:
        lines += format_breakdown(data)
    if data.get("attachment_items_recall") is not None:
        lines += ["", f"recall on items inside attachments: {data['attachment_items_recall'] * 100:.1f}%"]
    lines += [
        "",
        f"language detection accuracy: {(data['language_detection_accuracy'] or 0) * 100:.1f}%",
        f"speed: {data['tickets_per_second']} tickets/s ({data['seconds']} s for {data['overall']['tickets']} tickets, one process)",
    ]
    return "\n".join(lines)
