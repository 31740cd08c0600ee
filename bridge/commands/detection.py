"""``gdpr-bridge scan``, ``eval``, ``rules check`` and ``rules test``.

Exit codes of ``scan``: 0 clean, 1 violation, 3 review (2 is click's own "usage
error"), 4 the rules or the input could not be read. ``eval``, ``rules check`` and
``rules test`` exit 0 on success and 1 on failure.

Output never holds personal data unless ``--show-values`` asks for it: findings are
kinds, places, offsets and scores, and ``--explain`` context has every finding masked.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, TypeVar

import click
import yaml

from bridge.findings import Decision
from bridge.platform import AttachmentRef, Requester, Ticket
from bridge.rules import Rules, RulesError, load_rules

if TYPE_CHECKING:
    from bridge.analysis import AttachmentInput, TicketAnalyzer

EXIT_CLEAN, EXIT_VIOLATION, EXIT_REVIEW, EXIT_ERROR = 0, 1, 3, 4
PROGRESS_MIN_ITEMS = 20
_BINARY_SUFFIXES = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".zip"}

T = TypeVar("T")


def _rules_or_exit(path: str | None, code: int = EXIT_ERROR) -> Rules:
    try:
        return load_rules(path)
    except RulesError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(code)


def _analyzer(rules: Rules) -> "TicketAnalyzer":
    from bridge.analysis import TicketAnalyzer

    return TicketAnalyzer(rules)


def _attachment_input(filename: str, data: bytes | None, problem: str | None = None) -> "AttachmentInput":
    from bridge.analysis import AttachmentInput

    return AttachmentInput(filename=filename, data=data, problem=problem)


def progress_bar(items: list[T], desc: str, enabled: bool = True) -> Iterator[T]:
    """A tqdm bar on stderr for long runs, so stdout (``--json``) stays clean."""
    if not enabled or len(items) < PROGRESS_MIN_ITEMS:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit="ticket", file=sys.stderr, leave=False, dynamic_ncols=True)


# --------------------------------------------------------------------------- explain


def finding_notes(decision: Decision, ticket: Ticket, rules: Rules) -> list[dict[str, Any]]:
    """Per finding: whether it counted, the rule it counted for, or why it did not count."""
    from bridge.policy import admissible, exemption, fired_rules

    texts = {"subject": ticket.subject or "", "body": ticket.body or ""}
    fired = fired_rules(admissible(decision.findings, ticket, rules), rules, texts)
    notes = []
    for finding in decision.findings:
        reason = (finding.excluded or None) if (finding.holder or finding.excluded) else exemption(finding, ticket, rules)
        rules_for = [f.name for f in fired if any(finding is x for x in f.findings)]
        if reason is None and not rules_for:
            reason = "counts only in combination; no rule fired"
        notes.append({
            "counted": bool(rules_for), "rules": rules_for, "not_counted_because": reason,
            "part": finding.part or None, "holder": finding.holder or None, "holder_why": finding.holder_why or None,
            "evidence": finding.evidence or None,
        })
    return notes


def _is_text(data: bytes, name: str) -> bool:
    if Path(name).suffix.lower() in _BINARY_SUFFIXES or b"\x00" in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _render_human(decision: Decision, language: str, notes: list[dict[str, Any]], explain: bool, show_values: bool) -> str:
    lines = [f"verdict: {decision.verdict} (action {decision.action}; language {language})"]
    if decision.reasons:
        lines.append("rules: " + "; ".join(decision.reasons))
    for where, kinds in decision.places.items():
        lines.append(f"  {where}: {', '.join(kinds)}")
    if explain:
        lines.append("")
        lines.append(f"findings ({len(decision.findings)}):")
        for finding, note in zip(decision.findings, notes):
            where = f"{finding.place} ({finding.detail})" if finding.detail else finding.place
            head = (
                f"  {finding.entity_type:16} {where} [{finding.start}:{finding.end}] score {finding.score:.2f}"
                f" by {finding.recognizer}"
            )
            if show_values:
                head += f" value {finding.value!r}"
            lines.append(head)
            if finding.context:
                lines.append(f"      context: {finding.context}")
            if finding.evidence:
                lines.append(f"      why: {finding.evidence}")
            if note["part"] or note["holder"]:
                whose = f"; holder {note['holder']} ({note['holder_why']})" if note["holder"] else ""
                lines.append(f"      part: {note['part'] or '-'}{whose}")
            if note["counted"]:
                lines.append(f"      counted for rule: {', '.join(note['rules'])}")
            else:
                lines.append(f"      not counted: {note['not_counted_because']}")
    return "\n".join(lines)


@click.command()
@click.argument("path", type=str)
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False), default=None, help="rules file (default $BRIDGE_RULES or ./rules.yaml)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object on stdout")
@click.option("--explain", is_flag=True, help="each finding with recognizer, score, context and the rule it counted for")
@click.option("--show-values", is_flag=True, help="include the matched values (personal data!)")
@click.option("--language", default=None, help="the ticket's language or locale (en, sv-SE, de); default: detected")
@click.option("--subject", default="", help="a subject line to scan with a text body")
@click.option("--requester-name", default=None, help="the requester's name (never counts)")
@click.option("--requester-email", default=None, help="The requester's own email (never counts), as the ticket would give it.")
@click.option("--requester-phone", default=None, help="The requester's own phone (never counts), as their profile would give it.")
def scan(
    path: str,
    rules_path: str | None,
    as_json: bool,
    explain: bool,
    show_values: bool,
    language: str | None,
    subject: str,
    requester_name: str | None,
    requester_email: str | None,
    requester_phone: str | None,
) -> None:
    """Scan a text, a file (PDF, DOCX, image, ...) or stdin (-) and print the verdict.

    Exit code: 0 clean, 1 violation, 3 review, 4 unreadable rules or input.
    """
    rules = _rules_or_exit(rules_path)
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        click.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        sys.exit(EXIT_ERROR)
    name = "stdin.txt" if path == "-" else Path(path).name
    requester = Requester(name=requester_name, email=requester_email, phone=requester_phone, locale=language)
    analyzer = _analyzer(rules)
    if path == "-" or _is_text(data, name):
        ticket = Ticket(id="scan", platform="cli", subject=subject, body=data.decode("utf-8", errors="replace"), requester=requester)
        attachments = []
    else:
        ticket = Ticket(
            id="scan", platform="cli", subject=subject, body="", requester=requester,
            attachments=[AttachmentRef(id="1", filename=name, size=len(data))],
        )
        attachments = [_attachment_input(name, data)]
    chosen = analyzer.language_of(ticket)
    decision = analyzer.analyse(ticket, attachments)
    notes = finding_notes(decision, ticket, rules)
    if as_json:
        out = decision.to_dict(show_values=show_values)
        out["language"] = chosen
        out["rules_version"] = rules.version_hash
        for item, finding, note in zip(out["findings"], decision.findings, notes):
            item.update(note)
            if explain and finding.context:
                item["context"] = finding.context
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(_render_human(decision, chosen, notes, explain, show_values))
    sys.exit({"clean": EXIT_CLEAN, "violation": EXIT_VIOLATION, "review": EXIT_REVIEW}[decision.verdict])


# --------------------------------------------------------------------------- eval


@click.command("eval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False), default=None,
              help="rules file (default $BRIDGE_RULES or ./rules.yaml)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object with the figures and every ticket's verdict")
@click.option("--text-only", is_flag=True, help="leave attachments out")
@click.option("--limit", type=int, default=None, help="only the first N tickets")
@click.option("--progress/--no-progress", default=True, help="progress bar on stderr")
@click.option("--calibrate", is_flag=True,
              help="print confidence.calibration points for rules.yaml measured on this set (never on the set you report)")
def eval_corpus(
    directory: str, rules_path: str | None, as_json: bool, text_only: bool, limit: int | None, progress: bool,
    calibrate: bool = False,
) -> None:
    """Run a labelled corpus and print false-delete, miss and review rates per language, the
    findings by part and by holder, and how reliable the calibrated scores are."""
    from bridge.evaluate import CorpusError, evaluate, format_report, load_corpus

    rules = _rules_or_exit(rules_path, code=1)
    try:
        corpus = load_corpus(directory)
    except CorpusError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if limit is not None:
        corpus = corpus[:limit]
    analyzer = _analyzer(rules)

    def judge(item: Any) -> Decision:
        inputs = []
        if not text_only:
            for att in item.attachments:
                try:
                    inputs.append(_attachment_input(att.filename, att.path.read_bytes()))
                except OSError:
                    inputs.append(_attachment_input(att.filename, None, "missing from the corpus folder"))
        return analyzer.analyse(item.ticket, inputs)

    report = evaluate(
        corpus,
        judge,
        lambda item: analyzer.language_of(item.ticket),
        rules,
        text_only=text_only,
        corpus_name=str(directory),
        progress=lambda items: progress_bar(list(items), "eval", progress),
    )
    data = report.to_dict()
    if calibrate:
        points = report.breakdown.calibration()
        click.echo(yaml.safe_dump({"confidence": {"calibration": points}}, sort_keys=True, default_flow_style=None))
        return
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(format_report(data))


# --------------------------------------------------------------------------- rules


@click.group("rules")
def rules_group() -> None:
    """Check rules.yaml and test it against example tickets."""


@rules_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def rules_check(file: str | None) -> None:
    """Validate a rules file (default $BRIDGE_RULES or ./rules.yaml); names the line and key at fault."""
    rules = _rules_or_exit(file, code=1)
    enabled = rules.enabled_entities()
    click.echo(
        f"ok: {rules.source} (version {rules.version_hash}, mode {rules.mode}): {len(enabled)} entity types enabled, "
        f"{len(rules.policy)} policy rules, languages {', '.join(rules.languages.supported)}"
    )


@dataclass
class Example:
    """One example ticket with the verdict it must get (``rules test``)."""

    path: Path
    expect: str
    body: str
    subject: str = ""
    language: str | None = None
    requester: Requester = Requester()
    kinds: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()


_FRONT = "---"


def parse_example(path: Path) -> Example:
    """A text file that starts with YAML front matter between ``---`` lines; the rest is the body."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines or lines[0].strip() != _FRONT:
        raise ValueError("must start with a '---' line (YAML front matter with at least 'expect:')")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FRONT)
    except StopIteration:
        raise ValueError("front matter is not closed by a '---' line") from None
    meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    if not isinstance(meta, dict):
        raise ValueError("front matter must be a mapping")
    unknown = set(meta) - {"expect", "subject", "language", "requester", "kinds", "absent", "rules", "note"}
    if unknown:
        raise ValueError(f"unknown front matter keys: {', '.join(sorted(unknown))}")
    expect = meta.get("expect")
    if expect not in ("violation", "clean", "review"):
        raise ValueError("'expect' must be violation, clean or review")
    req = meta.get("requester") or {}
    return Example(
        path=path,
        expect=expect,
        body="\n".join(lines[end + 1 :]).strip("\n"),
        subject=str(meta.get("subject") or ""),
        language=meta.get("language"),
        requester=Requester(name=req.get("name"), email=req.get("email"), phone=req.get("phone") and str(req.get("phone")), locale=meta.get("language")),
        kinds=tuple(meta.get("kinds") or ()),
        absent=tuple(meta.get("absent") or ()),
        rules=tuple(meta.get("rules") or ()),
    )


def check_example(example: Example, decision: Decision) -> list[str]:
    """Differences between what the example expects and what it got, as diff lines."""
    got_kinds = sorted({f.entity_type for f in decision.counted})
    diff = []
    if decision.verdict != example.expect:
        diff += [f"  - verdict: {example.expect}", f"  + verdict: {decision.verdict}"]
    missing = [k for k in example.kinds if k not in got_kinds]
    if missing:
        diff += [f"  - kinds counted: {', '.join(example.kinds)}", f"  + kinds counted: {', '.join(got_kinds) or '(none)'}"]
    unwanted = [k for k in example.absent if k in got_kinds]
    if unwanted:
        diff += [f"  - must not count: {', '.join(unwanted)}", f"  + counted: {', '.join(got_kinds)}"]
    fired = [r for r in decision.reasons]
    missing_rules = [r for r in example.rules if r not in fired]
    if missing_rules:
        diff += [f"  - rules fired: {', '.join(example.rules)}", f"  + rules fired: {', '.join(fired) or '(none)'}"]
    return diff


def example_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".txt", ".md", ".eml"))


@rules_group.command("test")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False), default=None,
              help="rules file (default $BRIDGE_RULES or ./rules.yaml)")
@click.option("--verbose", "-v", is_flag=True, help="list passing examples too")
def rules_test(directory: str, rules_path: str | None, verbose: bool) -> None:
    """Run every example ticket in DIRECTORY; fail with a diff when one gets another verdict.

    Each example is a .txt file: YAML front matter (expect: violation|clean|review;
    optional subject, language, requester {name, email, phone}, kinds, absent, rules)
    between '---' lines, then the body.
    """
    rules = _rules_or_exit(rules_path, code=1)
    files = example_files(Path(directory))
    if not files:
        click.echo(f"error: no example files (*.txt) in {directory}", err=True)
        sys.exit(1)
    analyzer = _analyzer(rules)
    failures = 0
    for path in progress_bar(files, "rules test", enabled=sys.stderr.isatty()):
        label = str(path.relative_to(directory))
        try:
            example = parse_example(path)
        except (ValueError, yaml.YAMLError) as exc:
            failures += 1
            click.echo(f"FAIL {label}: bad example file: {exc}")
            continue
        ticket = Ticket(id=path.stem, platform="example", subject=example.subject, body=example.body, requester=example.requester)
        decision = analyzer.analyse(ticket)
        diff = check_example(example, decision)
        if diff:
            failures += 1
            click.echo(f"FAIL {label}")
            click.echo("\n".join(diff))
        elif verbose:
            click.echo(f"ok   {label}: {decision.verdict}")
    passed = len(files) - failures
    click.echo(f"{passed} passed, {failures} failed")
    sys.exit(1 if failures else 0)

