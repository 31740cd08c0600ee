"""One ticket from fetch to action: a table of steps run by one loop.

``STEPS`` lists every step in order, each with its audit key, when it applies, and its
"already done" test. ``process_ticket`` reads the ticket's audit once, skips what is
done, and records each step before the next one starts, so a job retried after a
crash or a duplicated webhook neither emails twice nor deletes twice.

The requester is told only of a deletion the platform confirmed: the email goes out
after ``deleted`` (see docs/notification.md). Their address lives only in this run's
memory (``Run.ticket``, fetched again from the platform by every run); it is never
written anywhere. A run that dies between the confirmed deletion and the email cannot
send it later: the next run records ``notice_lost`` instead of guessing.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from bridge import metrics
from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.audit import AuditLog, StepRecord
from bridge.extract.limits import TicketBudget
from bridge.findings import Decision
from bridge.notify import Notice, Notifier, NotifyError, kind_of, neutral_places
from bridge.platform import AttachmentTooLarge, Platform, PlatformRejected, Ticket, TicketGone
from bridge.rules import Rules

log = logging.getLogger(__name__)

# Audit keys, as they appear in the audit trail.
DECIDED = "decided"  # the decision record itself (``AuditLog.record_decision``), not a step row
DELETING = "deleting"  # the deletion was asked for (its answer may be lost)
DELETED = "deleted"
DELETE_FAILED = "delete_failed"  # the platform refused for good: tagged for review instead
NOTIFIED = "notified"
NOTIFY_SKIPPED = "notify_skipped"
NOTICE_LOST = "notice_lost"
REVIEW_MARKED = "review_marked"
CLEARED = "cleared"
MONITORED = "monitored"
GONE = "gone"
OUT_OF_SCOPE = "out_of_scope"

ENFORCED = "enforced"  # enforce mode left a clean ticket alone (no clear tag to record it by)

NOTICE_ENDS = (NOTIFIED, NOTIFY_SKIPPED, NOTICE_LOST)
# Steps after which there is nothing left to enforce: what enforce mode did, or the ticket is gone.
ACTED = frozenset({NOTIFIED, NOTIFY_SKIPPED, NOTICE_LOST, DELETED, DELETE_FAILED, REVIEW_MARKED, CLEARED, ENFORCED,
                   GONE})


def monitored_only(steps: Iterable[str]) -> bool:
    """Decided in monitor mode and never acted on: enforce mode decides such a ticket again
    (a redelivered webhook, ``gdpr-bridge redecide``) instead of taking it as done."""
    names = set(steps)
    return MONITORED in names and not names & ACTED
SEND_ATTEMPTS = 3  # handing the email over after the deletion, inside the run (the address is not kept)


@dataclass
class Services:
    """What a worker builds once and uses for every job."""

    rules: Rules
    mode: str
    analyzer: TicketAnalyzer
    notifier: Notifier
    audit: AuditLog
    platform_factory: Callable[[str], Platform]
    _platforms: dict[str, Platform] = field(default_factory=dict)

    def platform(self, name: str) -> Platform:
        if name not in self._platforms:
            self._platforms[name] = self.platform_factory(name)
        return self._platforms[name]


class Stop(Exception):
    """Ends the run early with an outcome (the ticket is gone, out of scope, …)."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


@dataclass
class Run:
    """One ticket's pass through the steps. Memory only: it holds the requester's address."""

    services: Services
    platform_name: str
    ticket_id: str
    done: dict[str, StepRecord]
    ticket: Ticket | None = None
    attachments: list[AttachmentInput] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # detected kind per attachment, in order
    decision: Decision | None = None
    language: str = "en"
    notice: Notice | None = None
    skip_notice: str | None = None  # why no email can be sent (recorded after the deletion)
    outcome: str = ""

    @property
    def platform(self) -> Platform:
        return self.services.platform(self.platform_name)

    @property
    def enforcing(self) -> bool:
        return self.services.mode == "enforce"

    @property
    def action(self) -> str:
        return self.decision.action if self.decision is not None else ""

    def record(self, key: str, detail: str | None = None) -> None:
        self.services.audit.record_step(self.platform_name, self.ticket_id, key, detail)
        self.done[key] = StepRecord(key, time.time(), detail)


@dataclass(frozen=True)
class Step:
    """One row of the pipeline: its audit key, when it applies, whether it is already done."""

    key: str
    applies: Callable[[Run], bool]
    run: Callable[[Run], None]
    done_when: tuple[str, ...] = ()  # audit keys that mean "done"; empty: never skipped

    def already_done(self, run: Run) -> bool:
        return any(key in run.done for key in self.done_when)


# --------------------------------------------------------------------------- the steps


def fetch(run: Run) -> None:
    """Fetch the ticket again (the webhook body is only a hint); the address comes with it."""
    try:
        run.ticket = run.platform.fetch_ticket(run.ticket_id)
    except TicketGone:
        raise Stop(ticket_gone(run)) from None
    if not in_scope(run.ticket, run.services.rules, run.platform_name):
        run.record(OUT_OF_SCOPE)
        raise Stop("out of scope")


def ticket_gone(run: Run) -> str:
    """The ticket is not there. If this bridge had asked for its deletion, finish that
    (a soft-deleted ticket is purged; a lost answer is confirmed); else record ``gone``."""
    if DELETING not in run.done:
        run.record(GONE, "ticket not found when fetched")
        return "gone"
    try:
        result = run.platform.delete_ticket(run.ticket_id)
        detail = f"permanent={result.permanent}; {result.confirmation}"
    except TicketGone:
        detail = "gone from the platform after the deletion was asked for"
    run.record(DELETED, detail)
    run.record(NOTICE_LOST, "the deletion's answer was lost and the ticket with it; the address is not kept")
    metrics.NOTICES.labels(run.platform_name, "lost").inc()
    return "deleted"


def decide(run: Run) -> None:
    """Download within the byte budget, extract, scan and decide; record the decision."""
    assert run.ticket is not None
    services = run.services
    started = time.monotonic()
    run.attachments, run.kinds = download_attachments(run.platform, run.ticket, services.rules)
    run.language = services.analyzer.language_of(run.ticket)
    run.decision = services.analyzer.analyse(run.ticket, run.attachments, language=run.language)
    metrics.SCAN_SECONDS.observe(time.monotonic() - started)
    services.audit.record_decision(
        run.platform_name, run.ticket_id, run.decision, services.mode, services.rules.version_hash, run.language,
        [a.filename for a in run.ticket.attachments],
    )
    metrics.DECISIONS.labels(run.decision.verdict, services.mode).inc()
    for kind, count in run.decision.kind_counts().items():
        metrics.KINDS.labels(kind).inc(count)
    log.info("decided", extra={"platform": run.platform_name, "ticket_id": run.ticket_id,
                               "verdict": run.decision.verdict, "kinds": run.decision.kind_counts(),
                               "mode": services.mode})
    run.outcome = {"delete": "deleted", "review": "review", "none": "clean"}[run.decision.action]
    if not run.enforcing:
        run.outcome = f"monitored ({run.decision.verdict})"


def monitor(run: Run) -> None:
    assert run.decision is not None
    run.record(MONITORED, run.decision.verdict)


def prepare_notice(run: Run) -> None:
    """Before deleting: build and render the email in memory, and make sure mail can go out
    (a mail server that is down fails the job now, before anything is deleted)."""
    assert run.ticket is not None and run.decision is not None
    requester = run.ticket.requester
    if not requester.email:
        run.skip_notice = "requester has no email address"
        return
    run.notice = Notice(
        to_email=requester.email,
        to_name=requester.name,
        locale=requester.locale,
        ticket_language=run.services.analyzer.written_language(run.ticket) or run.language,
        platform=run.platform_name,
        ticket_id=run.ticket_id,
        places=neutral_places(run.decision.places, [(a.filename, k) for a, k in zip(run.ticket.attachments, run.kinds)]),
        idempotency_key=f"{run.platform_name}:{run.ticket_id}:delete",
        audience=run.services.rules.notify.audience,
        default_locale=run.services.rules.notify.platform_default_locale,
    )
    try:
        run.services.notifier.render(run.notice)
    except NotifyError as exc:
        if exc.transient:
            raise
        run.notice, run.skip_notice = None, str(exc)
        return
    run.services.notifier.ready()


def delete(run: Run) -> None:
    """Delete permanently; only a confirmed deletion is recorded. A refusal for good leaves
    the ticket tagged with a note for the agents, and fails the job (a dead letter)."""
    run.record(DELETING)
    try:
        result = run.platform.delete_ticket(run.ticket_id)
        detail = f"permanent={result.permanent}; {result.confirmation}"
    except TicketGone:
        detail = "already gone from the platform"
    except PlatformRejected as exc:
        deletion_refused(run, exc)
        raise
    run.record(DELETED, detail)


def deletion_refused(run: Run, exc: PlatformRejected) -> None:
    reason = str(exc)[:200]
    metrics.DELETIONS_FAILED.labels(run.platform_name).inc()
    log.error("deletion refused", extra={"platform": run.platform_name, "ticket_id": run.ticket_id, "error": reason})
    tag = run.services.rules.actions.review_tag
    try:
        run.platform.mark_for_review(run.ticket_id, deletion_failed_note(reason), tag)
    except Exception as note_exc:  # the dead letter still says why
        log.error("review tag after refused deletion failed",
                  extra={"platform": run.platform_name, "ticket_id": run.ticket_id, "error": type(note_exc).__name__})
    run.record(DELETE_FAILED, reason)


def notify(run: Run) -> None:
    """Hand the email over, after the confirmed deletion. A few tries within this run; if
    mail still fails, the notice is recorded as lost (the address is not kept for later)."""
    if run.notice is None:
        if run.ticket is None:  # an earlier run deleted it and died before the email
            run.record(NOTICE_LOST, "the worker stopped between the deletion and the email; the address is not kept")
            metrics.NOTICES.labels(run.platform_name, "lost").inc()
            log.warning("notice lost", extra={"platform": run.platform_name, "ticket_id": run.ticket_id})
        else:
            run.record(NOTIFY_SKIPPED, run.skip_notice or "no notice")
            metrics.NOTICES.labels(run.platform_name, "skipped").inc()
        return
    try:
        message_id = send_with_retries(run.services.notifier, run.notice)
    except NotifyError as exc:
        run.record(NOTICE_LOST, f"mail failed after the deletion: {exc}"[:300])
        metrics.NOTICES.labels(run.platform_name, "lost").inc()
        log.error("notice lost", extra={"platform": run.platform_name, "ticket_id": run.ticket_id, "error": str(exc)})
        return
    run.record(NOTIFIED, message_id)
    metrics.NOTICES.labels(run.platform_name, "sent").inc()


def send_with_retries(notifier: Notifier, notice: Notice) -> str:
    sender = retry(
        stop=stop_after_attempt(SEND_ATTEMPTS),
        wait=wait_exponential(multiplier=1, min=1, max=8),
        retry=retry_if_exception(lambda exc: isinstance(exc, NotifyError) and exc.transient),
        reraise=True,
    )(notifier.send)
    return str(sender(notice))


def mark_review(run: Run) -> None:
    assert run.decision is not None
    tag = run.services.rules.actions.review_tag
    run.platform.mark_for_review(run.ticket_id, review_note(run.decision), tag)
    run.record(REVIEW_MARKED, tag)


def clear(run: Run) -> None:
    tag = run.services.rules.actions.clear_tag
    assert tag
    run.platform.add_tag(run.ticket_id, tag)
    run.record(CLEARED, tag)


def leave_alone(run: Run) -> None:
    run.record(ENFORCED, "clean")


def _deleting(run: Run) -> bool:
    return run.enforcing and run.action == "delete"


STEPS: tuple[Step, ...] = (
    Step("fetched", applies=lambda r: True, run=fetch),
    Step(DECIDED, applies=lambda r: True, run=decide),  # decided again each run: the email needs the places
    Step(MONITORED, applies=lambda r: not r.enforcing, run=monitor, done_when=(MONITORED,)),
    Step("notice_ready", applies=lambda r: _deleting(r) and DELETED not in r.done, run=prepare_notice),
    Step(DELETED, applies=_deleting, run=delete, done_when=(DELETED,)),
    Step(NOTIFIED, applies=_deleting, run=notify, done_when=NOTICE_ENDS),
    Step(REVIEW_MARKED, applies=lambda r: r.enforcing and r.action == "review", run=mark_review,
         done_when=(REVIEW_MARKED,)),
    Step(CLEARED, applies=lambda r: r.enforcing and r.action == "none" and bool(r.services.rules.actions.clear_tag),
         run=clear, done_when=(CLEARED,)),
    Step(ENFORCED, applies=lambda r: r.enforcing and r.action == "none" and not r.services.rules.actions.clear_tag,
         run=leave_alone, done_when=(ENFORCED,)),  # the one outcome that would otherwise record no step
)


def process_ticket(services: Services, platform_name: str, ticket_id: str, mode: str | None = None) -> str:
    """Run one ticket through ``STEPS`` (in ``mode`` when given: a backfill job's own mode,
    else the worker's). Returns a short outcome (no personal data)."""
    started = time.monotonic()
    if mode is not None and mode != services.mode:
        services = dataclasses.replace(services, mode=mode)  # shares the models and platform clients
    run = Run(services, platform_name, ticket_id, done=services.audit.steps(platform_name, ticket_id))
    if DELETED in run.done:  # nothing left but, perhaps, the email whose address is gone
        if not any(key in run.done for key in NOTICE_ENDS):
            notify(run)
        return "already deleted"
    try:
        for step in STEPS:
            if step.applies(run) and not step.already_done(run):
                step.run(run)
    except Stop as stop:
        return stop.outcome
    metrics.JOB_SECONDS.observe(time.monotonic() - started)
    return run.outcome


# --------------------------------------------------------------------------- helpers


def in_scope(ticket: Ticket, rules: Rules, platform: str) -> bool:
    scope = rules.scope.get(platform)
    if scope is None or not scope.projects:
        return True
    return ticket.project in scope.projects


def download_attachments(platform: Platform, ticket: Ticket, rules: Rules) -> tuple[list[AttachmentInput], list[str]]:
    """Fetch every attachment within the ticket's byte budget; one that cannot be had
    carries its reason. Also returns each attachment's kind (for the email: never a name)."""
    budget = TicketBudget(rules.attachments.limits)
    inputs: list[AttachmentInput] = []
    kinds: list[str] = []
    for ref in ticket.attachments:
        kind = kind_of(ref.filename, ref.content_type, None)
        problem = budget.refuse(ref.size)
        if problem is not None:
            inputs.append(AttachmentInput(ref.filename, problem=problem))
            kinds.append(kind)
            continue
        try:
            data = platform.download_attachment(ref, budget.cap())
        except AttachmentTooLarge:
            inputs.append(AttachmentInput(ref.filename, problem="larger than the attachment or ticket limit"))
            kinds.append(kind)
            continue
        except TicketGone:
            inputs.append(AttachmentInput(ref.filename, problem="the platform no longer serves this attachment"))
            kinds.append(kind)
            continue
        budget.take(len(data))
        inputs.append(AttachmentInput(ref.filename, data=data))
        kinds.append(kind_of(ref.filename, ref.content_type, data))
    return inputs, kinds


def review_note(decision: Decision) -> str:
    reasons = "; ".join(decision.reasons) or "the bridge could not decide"
    return (
        "gdpr-bridge could not decide whether this ticket holds personal data and has not deleted it. "
        f"Reason: {reasons}. Please check the ticket and its attachments by hand."
    )


def deletion_failed_note(reason: str) -> str:
    return (
        "gdpr-bridge found personal data in this ticket that may not be kept, but the platform refused to "
        f"delete it ({reason}). The requester has not been told anything. Please delete the ticket by hand, "
        "or give the bridge's API user the right to delete tickets and retry the dead letter "
        "(gdpr-bridge deadletters retry)."
    )
