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
import json
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from bridge import metrics
from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.audit import AuditLog, StepRecord
from bridge.extract.limits import TicketBudget
from bridge.findings import Decision
from bridge.notify import Notice, Notifier, NotifyError, kind_of, neutral_places
from bridge.platform import (
    AttachmentTooLarge,
    CommentPlatform,
    DescriptionAttachments,
    Platform,
    PlatformRejected,
    RedactionResult,
    Ticket,
    TicketGone,
)
from bridge.redaction import Plan, attachments_left, plan_redaction, unread_attachments, values_left
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
# Redaction (actions.violation: redact; comments: bridge.comments)
REDACTING = "redacting"  # the redaction was asked for; detail: counts and neutral places (no values)
REDACTED = "redacted"  # confirmed by fetching again; detail: method, spans, attachments
REDACT_FAILED = "redact_failed"  # the platform refused for good: tagged for review, dead letter
REDACT_UNCONFIRMED = "redact_unconfirmed"  # answered, but counted data is still there: tagged for review

# The channels rule (rules' ``channels``, docs/channels.md): a ticket that arrived by a rejected channel.
CHANNEL_WOULD_REJECT = "channel_would_reject"  # monitor mode: recorded only ("email; would delete")
CHANNEL_REJECTED = "channel_rejected"  # enforce mode decided to act ("email; delete" / "email; close")
CHANNEL_DELETED = "channel_deleted"  # the platform confirmed the permanent deletion
CHANNEL_CLOSED = "channel_closed"  # the platform closed it (solved / a done status)
CHANNEL_NOTICE = "channel_notice"  # the portal notice: its Message-ID, or "skipped: ..." / "lost: ..."
CHANNEL_NOTICE_SENDING = "channel_notice_sending"  # handed to the mail server next: never sent twice

NOTICE_ENDS = (NOTIFIED, NOTIFY_SKIPPED, NOTICE_LOST)
# Steps after which there is nothing left to enforce: what enforce mode did, or the ticket is gone.
ACTED = frozenset({NOTIFIED, NOTIFY_SKIPPED, NOTICE_LOST, DELETED, DELETE_FAILED, REVIEW_MARKED, CLEARED, ENFORCED,
                   GONE, CHANNEL_DELETED, CHANNEL_CLOSED, REDACTING, REDACTED, REDACT_FAILED, REDACT_UNCONFIRMED})


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
    act: str = ""  # what enforce mode does: delete | redact | review | none (actions.violation, fallback)
    plan: Plan | None = None  # what a redaction of the description removes
    fallback: str = ""  # why a redaction fell back to actions.redact_fallback
    rejected: str | None = None  # the ticket's channel, when the channels rule rejects it
    channel_notice: Notice | None = None
    channel_skip: str | None = None

    @property
    def platform(self) -> Platform:
        return self.services.platform(self.platform_name)

    @property
    def enforcing(self) -> bool:
        return self.services.mode == "enforce"

    @property
    def action(self) -> str:
        """What enforce mode does with this ticket: the decision's action, or ``redact``
        (``actions.violation: redact``), or the fallback when a redaction cannot be done."""
        if self.act:
            return self.act
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
    if run.services.rules.channels.rejects(run.ticket.channel):
        run.rejected = run.ticket.channel


def ticket_gone(run: Run) -> str:
    """The ticket is not there. If this bridge had asked for its deletion, finish that
    (a soft-deleted ticket is purged; a lost answer is confirmed); else record ``gone``."""
    if DELETING not in run.done:
        run.record(GONE, "ticket not found when fetched")
        return "gone"
    if _channel_deletion(run):  # the channels rule's deletion, whose answer was lost
        run.record(CHANNEL_DELETED, "gone from the platform after the deletion was asked for")
        run.record(CHANNEL_NOTICE, "lost: the deletion's answer was lost and the ticket with it; the address is not kept")
        metrics.NOTICES.labels(run.platform_name, "lost").inc()
        return "deleted (channel)"
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
        [a.filename for a in run.ticket.attachments], skip_repeat=True,  # a job taken over: recorded once
    )
    metrics.DECISIONS.labels(run.decision.verdict, services.mode).inc()
    for kind, count in run.decision.kind_counts().items():
        metrics.KINDS.labels(kind).inc(count)
    log.info("decided", extra={"platform": run.platform_name, "ticket_id": run.ticket_id,
                               "verdict": run.decision.verdict, "kinds": run.decision.kind_counts(),
                               "mode": services.mode})
    run.act = choose_action(run)
    run.outcome = {"delete": "deleted", "redact": "redacted", "review": "review", "none": "clean"}[run.act]
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
    note = fallback_note(run.fallback) if run.fallback else review_note(run.decision)
    run.platform.mark_for_review(run.ticket_id, note, tag)
    run.record(REVIEW_MARKED, tag)


# --------------------------------------------------------------------------- redacting the description


def choose_action(run: Run) -> str:
    """``redact`` when the rules say so and everything counted can be redacted; else the
    rules' ``redact_fallback``. An earlier run that asked for a redaction is finished."""
    assert run.decision is not None and run.ticket is not None
    actions = run.services.rules.actions
    if REDACTING in run.done:
        run.plan = plan_redaction(run.decision, run.ticket.attachments)
        return "redact"
    if run.decision.action != "delete" or actions.violation != "redact":
        return run.decision.action
    plan = plan_redaction(run.decision, run.ticket.attachments)
    platform = run.platform
    if plan.unredactable:
        run.fallback = f"personal data in the {', '.join(sorted(set(plan.unredactable)))}, which cannot be redacted"
    elif not isinstance(platform, CommentPlatform):
        run.fallback = "this platform cannot redact a description"
    elif plan.attachments and not isinstance(platform, DescriptionAttachments):
        run.fallback = "this platform cannot remove a description's attachment"
    if run.fallback:
        log.info("redaction falls back", extra={"platform": run.platform_name, "ticket_id": run.ticket_id,
                                                "fallback": actions.redact_fallback, "reason": run.fallback})
        return actions.redact_fallback
    run.plan = plan
    return "redact"


def redact(run: Run) -> None:
    """Remove the counted spans of the description and its offending attachments, then
    fetch the ticket again: only a redaction that left nothing counted is recorded."""
    assert run.decision is not None and run.ticket is not None and run.plan is not None
    plan = run.plan
    places = neutral_places(run.decision.places, [(a.filename, k) for a, k in zip(run.ticket.attachments, run.kinds)])
    asked_before = REDACTING in run.done
    if not asked_before:
        run.record(REDACTING, json.dumps({"plan": json.loads(plan.summary()), "places": places}, sort_keys=True))
    platform = run.platform
    results: list[RedactionResult] = []
    try:
        if plan.spans:
            results.append(platform.redact_description(run.ticket_id, plan.spans))  # type: ignore[attr-defined]
        for ref in plan.attachments:
            results.append(platform.remove_description_attachment(run.ticket_id, ref))  # type: ignore[attr-defined]
        after = platform.fetch_ticket(run.ticket_id)
    except TicketGone:
        run.record(GONE, "ticket gone while its description was being redacted")
        raise Stop("gone") from None
    except PlatformRejected as exc:
        redaction_refused(run, exc)
        raise
    left = values_left(run.decision, after.body) + attachments_left(plan, after.attachments)
    if not left:
        again = run.services.analyzer.analyse(replace(after, subject=""), [], language=run.language)
        left = sum(1 for f in again.counted if f.place == "body")
    if left:
        metrics.REDACTIONS.labels(run.platform_name, "unconfirmed").inc()
        log.error("redaction not confirmed", extra={"platform": run.platform_name, "ticket_id": run.ticket_id,
                                                    "left": left})
        run.platform.mark_for_review(run.ticket_id, UNCONFIRMED_NOTE, run.services.rules.actions.review_tag)
        run.record(REDACT_UNCONFIRMED, f"{left} counted value(s) or file(s) still there after the redaction")
        raise Stop("review")
    spans, files = len(plan.spans), len(plan.attachments)
    if asked_before and plan.empty:  # removed by the run that died: its plan says how much
        asked = recorded_detail(run.done, "plan")
        spans, files = int(asked.get("spans", 0)), int(asked.get("attachments", 0))
    methods = sorted({r.method for r in results}) or ["removed before the worker restarted"]
    run.record(REDACTED, json.dumps({"method": "+".join(methods), "spans": spans, "attachments": files},
                                    sort_keys=True))
    metrics.REDACTIONS.labels(run.platform_name, "confirmed").inc()


def recorded_detail(done: dict[str, StepRecord], name: str) -> dict[str, Any]:
    """A part of the ``redacting`` row's detail (JSON: the plan's counts, the neutral places)."""
    record = done.get(REDACTING)
    try:
        return dict(json.loads(record.detail or "{}").get(name) or {}) if record else {}
    except (ValueError, AttributeError, TypeError):
        return {}


def redaction_refused(run: Run, exc: PlatformRejected) -> None:
    reason = str(exc)[:200]
    metrics.REDACTIONS.labels(run.platform_name, "refused").inc()
    log.error("redaction refused", extra={"platform": run.platform_name, "ticket_id": run.ticket_id, "error": reason})
    try:
        run.platform.mark_for_review(run.ticket_id, redaction_failed_note(reason), run.services.rules.actions.review_tag)
    except Exception as note_exc:  # the dead letter still says why
        log.error("review tag after refused redaction failed",
                  extra={"platform": run.platform_name, "ticket_id": run.ticket_id, "error": type(note_exc).__name__})
    run.record(REDACT_FAILED, reason)


def notify_redaction(run: Run) -> None:
    """Tell the requester what was removed from the description, after it was confirmed.
    The ticket stays, so a run that died before the email fetches the address again."""
    assert run.ticket is not None
    requester = run.ticket.requester
    places = recorded_detail(run.done, "places")
    if not requester.email:
        run.record(NOTIFY_SKIPPED, "requester has no email address")
        metrics.NOTICES.labels(run.platform_name, "skipped").inc()
        return
    notice = Notice(
        to_email=requester.email, to_name=requester.name, locale=requester.locale,
        ticket_language=run.services.analyzer.written_language(run.ticket) or run.language,
        platform=run.platform_name, ticket_id=run.ticket_id, places=places,
        idempotency_key=f"{run.platform_name}:{run.ticket_id}:redact",
        audience=run.services.rules.notify.audience,
        default_locale=run.services.rules.notify.platform_default_locale, redacted=True,
    )
    try:
        message_id = send_with_retries(run.services.notifier, notice)
    except NotifyError as exc:
        if exc.transient:
            raise  # the ticket and the address stay: the retried job sends it
        run.record(NOTIFY_SKIPPED, str(exc)[:300])
        metrics.NOTICES.labels(run.platform_name, "skipped").inc()
        return
    run.record(NOTIFIED, message_id)
    metrics.NOTICES.labels(run.platform_name, "sent").inc()


def clear(run: Run) -> None:
    tag = run.services.rules.actions.clear_tag
    assert tag
    run.platform.add_tag(run.ticket_id, tag)
    run.record(CLEARED, tag)


def leave_alone(run: Run) -> None:
    run.record(ENFORCED, "clean")


def _deleting(run: Run) -> bool:
    return run.enforcing and run.action == "delete"


# --------------------------------------------------------------------------- the channels rule


def _channel_action(run: Run) -> str:
    return run.services.rules.channels.action


def _channel_acting(run: Run, action: str | None = None) -> bool:
    """Enforce mode acts on a ticket of a rejected channel (with ``action``, when given)."""
    return run.enforcing and run.rejected is not None and action in (None, _channel_action(run))


def _channel_deletion(run: Run) -> bool:
    """This ticket's deletion was the channels rule's (its ``channel_rejected`` step says so)."""
    step = run.done.get(CHANNEL_REJECTED)
    return step is not None and str(step.detail or "").endswith("; delete")


def channel_monitor(run: Run) -> None:
    run.record(CHANNEL_WOULD_REJECT, f"{run.rejected}; would {_channel_action(run)}")
    metrics.CHANNEL_REJECTIONS.labels(run.platform_name, run.rejected, _channel_action(run), "monitor").inc()
    log.info("channel rejected (monitor)", extra={"platform": run.platform_name, "ticket_id": run.ticket_id,
                                                  "channel": run.rejected})


def channel_reject(run: Run) -> None:
    run.record(CHANNEL_REJECTED, f"{run.rejected}; {_channel_action(run)}")
    metrics.CHANNEL_REJECTIONS.labels(run.platform_name, run.rejected, _channel_action(run), "enforce").inc()
    log.info("channel rejected", extra={"platform": run.platform_name, "ticket_id": run.ticket_id,
                                        "channel": run.rejected, "action": _channel_action(run)})


def prepare_channel_notice(run: Run) -> None:
    """Before acting: the portal notice, rendered in memory, and the mail server checked (as
    ``prepare_notice``). It names the ticket number and the channel, nothing of the content."""
    assert run.ticket is not None
    services = run.services
    requester = run.ticket.requester
    if not requester.email:
        run.channel_skip = "requester has no email address"
        return
    run.channel_notice = Notice(
        to_email=requester.email, to_name=requester.name, locale=requester.locale,
        ticket_language=services.analyzer.written_language(run.ticket) or services.analyzer.language_of(run.ticket),
        platform=run.platform_name, ticket_id=run.ticket_id, places={},
        idempotency_key=f"{run.platform_name}:{run.ticket_id}:channel",
        audience=services.rules.notify.audience, default_locale=services.rules.notify.platform_default_locale,
        kind="channel", action="deleted" if _channel_action(run) == "delete" else "closed", channel=run.rejected,
        portal_url=services.rules.channels.portal_url,
    )
    try:
        services.notifier.render(run.channel_notice)
    except NotifyError as exc:
        if exc.transient:
            raise
        run.channel_notice, run.channel_skip = None, str(exc)
        return
    services.notifier.ready()


def channel_delete(run: Run) -> None:
    """Delete permanently (confirmed), as ``delete``; a refusal for good tags the ticket for review."""
    run.record(DELETING)
    try:
        result = run.platform.delete_ticket(run.ticket_id)
        detail = f"permanent={result.permanent}; {result.confirmation}"
    except TicketGone:
        detail = "already gone from the platform"
    except PlatformRejected as exc:
        reason = str(exc)[:200]
        metrics.DELETIONS_FAILED.labels(run.platform_name).inc()
        try:
            run.platform.mark_for_review(run.ticket_id, channel_failed_note(run, reason),
                                         run.services.rules.actions.review_tag)
        except Exception as note_exc:
            log.error("review tag after refused deletion failed",
                      extra={"platform": run.platform_name, "ticket_id": run.ticket_id,
                             "error": type(note_exc).__name__})
        run.record(DELETE_FAILED, reason)
        raise
    run.record(CHANNEL_DELETED, detail)


def channel_close(run: Run) -> None:
    from bridge.platform import TicketCloser

    platform = run.platform
    if not isinstance(platform, TicketCloser):
        raise PlatformRejected(f"{run.platform_name}: this platform cannot close tickets (use channels.action: delete)")
    platform.close_ticket(run.ticket_id, channel_closed_note(run))
    run.record(CHANNEL_CLOSED, run.rejected)


def channel_notify(run: Run) -> None:
    """Send the portal notice after the platform confirmed the deletion or the closing. A run that
    died while handing it over does not send it again (a closed ticket would still have the
    address; SMTP has no way to drop a duplicate): it is recorded as lost instead."""
    if CHANNEL_NOTICE_SENDING in run.done:
        run.record(CHANNEL_NOTICE, "lost: the worker stopped while handing the notice over; it is not sent twice")
        metrics.NOTICES.labels(run.platform_name, "lost").inc()
        return
    if run.channel_notice is None:
        why = run.channel_skip or "no notice"
        if run.ticket is None:
            why = "the worker stopped between the deletion and the email; the address is not kept"
        run.record(CHANNEL_NOTICE, f"{'lost' if run.ticket is None else 'skipped'}: {why}"[:300])
        metrics.NOTICES.labels(run.platform_name, "lost" if run.ticket is None else "skipped").inc()
        return
    run.record(CHANNEL_NOTICE_SENDING)
    try:
        message_id = send_with_retries(run.services.notifier, run.channel_notice)
    except NotifyError as exc:
        run.record(CHANNEL_NOTICE, f"lost: mail failed after the action: {exc}"[:300])
        metrics.NOTICES.labels(run.platform_name, "lost").inc()
        return
    run.record(CHANNEL_NOTICE, message_id)
    metrics.NOTICES.labels(run.platform_name, "sent").inc()


def channel_done(run: Run) -> None:
    raise Stop("deleted (channel)")


def channel_closed_note(run: Run) -> str:
    return (f"gdpr-bridge closed this ticket: it arrived by {run.rejected}, a channel the rules do not accept "
            "(channels.reject). The requester was asked by email to raise it again in the portal. The ticket "
            "is still scanned for personal data like any other.")


def channel_failed_note(run: Run, reason: str) -> str:
    return (f"gdpr-bridge was to delete this ticket: it arrived by {run.rejected}, a channel the rules do not "
            f"accept (channels.reject). The platform refused the deletion ({reason}). The requester has not "
            "been told anything. Please delete the ticket by hand, or give the bridge's API user the right to "
            "delete tickets and retry the dead letter (gdpr-bridge deadletters retry).")


STEPS: tuple[Step, ...] = (
    Step("fetched", applies=lambda r: True, run=fetch),
    # the channels rule: monitor mode records; enforce mode notices the requester after deleting
    # (then nothing else runs) or closing (then the ticket is scanned like any other)
    Step(CHANNEL_WOULD_REJECT, applies=lambda r: r.rejected is not None and not r.enforcing, run=channel_monitor,
         done_when=(CHANNEL_WOULD_REJECT,)),
    Step(CHANNEL_REJECTED, applies=_channel_acting, run=channel_reject, done_when=(CHANNEL_REJECTED,)),
    Step("channel_notice_ready", run=prepare_channel_notice,
         applies=lambda r: _channel_acting(r) and CHANNEL_NOTICE not in r.done and CHANNEL_DELETED not in r.done),
    Step(CHANNEL_DELETED, applies=lambda r: _channel_acting(r, "delete"), run=channel_delete,
         done_when=(CHANNEL_DELETED,)),
    Step(CHANNEL_CLOSED, applies=lambda r: _channel_acting(r, "close"), run=channel_close, done_when=(CHANNEL_CLOSED,)),
    Step(CHANNEL_NOTICE, applies=_channel_acting, run=channel_notify, done_when=(CHANNEL_NOTICE,)),
    Step("channel_done", applies=lambda r: _channel_acting(r, "delete"), run=channel_done),
    Step(DECIDED, applies=lambda r: True, run=decide),  # decided again each run: the email needs the places
    Step(MONITORED, applies=lambda r: not r.enforcing, run=monitor, done_when=(MONITORED,)),
    Step("notice_ready", applies=lambda r: _deleting(r) and DELETED not in r.done, run=prepare_notice),
    Step(DELETED, applies=_deleting, run=delete, done_when=(DELETED,)),
    Step(NOTIFIED, applies=_deleting, run=notify, done_when=NOTICE_ENDS),
    Step(REDACTED, applies=lambda r: r.enforcing and r.action == "redact", run=redact, done_when=(REDACTED,)),
    Step("redaction_notified", applies=lambda r: r.enforcing and REDACTED in r.done, run=notify_redaction,
         done_when=NOTICE_ENDS),
    # redacted what was found, but an attachment could not be read: a person looks at it too
    Step("review_unread", applies=lambda r: r.enforcing and r.action == "redact" and r.decision is not None
         and unread_attachments(r.decision, r.services.rules.attachments.on_unscannable), run=mark_review,
         done_when=(REVIEW_MARKED,)),
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
    if CHANNEL_DELETED in run.done:  # the channels rule deleted it; the notice may be all that is left
        if CHANNEL_NOTICE not in run.done:
            channel_notify(run)
        return "already deleted"
    if DELETED in run.done:  # nothing left but, perhaps, the email whose address is gone
        if not any(key in run.done for key in NOTICE_ENDS):
            notify(run)
        return "already deleted"
    if REDACTED in run.done or REDACT_UNCONFIRMED in run.done:  # nothing left but, perhaps, the email
        if REDACTED in run.done and not any(key in run.done for key in NOTICE_ENDS):
            try:
                fetch(run)
                notify_redaction(run)
            except Stop as stop:
                return stop.outcome
        return "already redacted" if REDACTED in run.done else "review"
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


UNCONFIRMED_NOTE = (
    "gdpr-bridge asked the platform to remove personal data from this ticket's description, but fetched again "
    "the ticket still holds some of it (or a file that should be gone). The requester has not been told "
    "anything. Please check the ticket by hand."
)


def fallback_note(reason: str) -> str:
    return (f"gdpr-bridge found personal data in this ticket that may not be kept and would have redacted it, "
            f"but cannot: {reason}. Nothing was removed and the requester has not been told anything. Please "
            "remove it by hand.")


def redaction_failed_note(reason: str) -> str:
    return (
        "gdpr-bridge found personal data in this ticket's description that may not be kept, but the platform "
        f"refused to redact it ({reason}). The requester has not been told anything. Please remove it by hand, "
        "or give the bridge's API user the right to redact and retry the dead letter "
        "(gdpr-bridge deadletters retry)."
    )


def deletion_failed_note(reason: str) -> str:
    return (
        "gdpr-bridge found personal data in this ticket that may not be kept, but the platform refused to "
        f"delete it ({reason}). The requester has not been told anything. Please delete the ticket by hand, "
        "or give the bridge's API user the right to delete tickets and retry the dead letter "
        "(gdpr-bridge deadletters retry)."
    )
