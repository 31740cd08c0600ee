"""One comment added after a ticket's creation, from fetch to redaction (issue 17).

Only the new comment and its attachments are scanned, with the ticket's rules: the
requester exemption, structure and ownership apply as for a new ticket, the comment's
author (when an end user) being the person whose own data never counts. Which comments
are scanned and what a violation does come from ``comments:`` in rules.yaml.

``STEPS`` lists the steps in order, each with its audit key and "already done" test, as
``bridge.pipeline`` does for tickets. Every row is filed under the comment's own key
(``bridge.jobkeys``): a retried job or a redelivered event redacts once and emails once.
A redaction is claimed only when the comment, fetched again, holds no counted value and
lists no removed attachment; the author is told only after that (``redacted`` before
``notified``). The comment is still there after its redaction, so a run that died before
the email fetches the address again and sends it, with the same Message-ID.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Callable

from bridge import metrics
from bridge.analysis import AttachmentInput
from bridge.audit import StepRecord
from bridge.findings import Decision
from bridge.jobkeys import comment_key
from bridge.notify import Notice, NotifyError, neutral_places
from bridge.pipeline import (
    DELETED,
    DELETING,
    ENFORCED,
    GONE,
    MONITORED,
    NOTICE_ENDS,
    NOTICE_LOST,
    NOTIFIED,
    NOTIFY_SKIPPED,
    OUT_OF_SCOPE,
    REDACT_FAILED,
    REDACT_UNCONFIRMED,
    REDACTED,
    REDACTING,
    REVIEW_MARKED,
    Services,
    Stop,
    download_attachments,
    in_scope,
    review_note,
    send_with_retries,
)
from bridge.platform import (
    AUTHOR_AGENT,
    AUTHOR_END_USER,
    AUTHOR_REQUESTER,
    AUTHOR_SYSTEM,
    AttachmentRef,
    Comment,
    CommentPlatform,
    PlatformRejected,
    RedactionResult,
    Requester,
    Ticket,
    TicketGone,
)
from bridge.redaction import Plan, attachments_left, plan_redaction, unread_attachments, values_left
from bridge.rules.schema import CommentRules

log = logging.getLogger(__name__)

# Audit keys of a comment (under ``<ticket>/comment/<id>``); the shared ones come from bridge.pipeline.
COMMENT_DECIDED = "comment_decided"  # which comment, whose, public or not (the decision record holds the kinds)
COMMENT_SKIPPED = "comment_skipped"  # not a comment the rules scan (an agent's note, a system's)

END_USERS = (AUTHOR_REQUESTER, AUTHOR_END_USER)
# Steps after which nothing is left to do for the comment.
FINISHED = frozenset({*NOTICE_ENDS, REVIEW_MARKED, ENFORCED, COMMENT_SKIPPED, GONE, OUT_OF_SCOPE,
                      REDACT_UNCONFIRMED})


@dataclass
class CommentRun:
    """One comment's pass through the steps. Memory only: it holds the author's address."""

    services: Services
    platform_name: str
    ticket_id: str
    comment_id: str
    done: dict[str, StepRecord]
    ticket: Ticket | None = None
    comment: Comment | None = None
    attachments: list[AttachmentInput] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    decision: Decision | None = None
    plan: Plan | None = None
    places: dict[str, list[str]] = field(default_factory=dict)  # neutral places, for the notice
    language: str = "en"
    act: str = ""  # redact | delete_ticket | review | none
    asked_before: bool = False  # an earlier run asked for the redaction (and died)
    outcome: str = ""

    @property
    def key(self) -> str:
        return comment_key(self.ticket_id, self.comment_id)

    @property
    def platform(self) -> CommentPlatform:
        platform = self.services.platform(self.platform_name)
        if not isinstance(platform, CommentPlatform):
            raise PlatformRejected(f"{self.platform_name}: this platform cannot fetch or redact comments")
        return platform

    @property
    def enforcing(self) -> bool:
        return self.services.mode == "enforce"

    def record(self, key: str, detail: str | None = None) -> None:
        self.services.audit.record_step(self.platform_name, self.key, key, detail)
        self.done[key] = StepRecord(key, time.time(), detail)

    def log_extra(self, **more: object) -> dict[str, object]:
        return {"platform": self.platform_name, "ticket_id": self.ticket_id, "comment_id": self.comment_id, **more}


@dataclass(frozen=True)
class Step:
    key: str
    applies: Callable[[CommentRun], bool]
    run: Callable[[CommentRun], None]
    done_when: tuple[str, ...] = ()

    def already_done(self, run: CommentRun) -> bool:
        return any(key in run.done for key in self.done_when)


# --------------------------------------------------------------------------- selection


def skip_reason(comment: Comment, rules: CommentRules) -> str | None:
    """Why the rules leave this comment alone, or None when it is scanned."""
    if comment.author_role == AUTHOR_SYSTEM:
        return "written by a system or an automation"
    if not comment.public:
        return None if rules.include_internal_notes else "internal note (comments.include_internal_notes is off)"
    if comment.author_role in END_USERS:
        return None if "end_user_public" in rules.scan else "end user's comment (end_user_public is not in comments.scan)"
    if comment.author_role == AUTHOR_AGENT:
        return None if "agent_public" in rules.scan else "agent's public reply (agent_public is not in comments.scan)"
    return f"author role {comment.author_role!r} unknown"


def holder_ticket(ticket: Ticket, comment: Comment) -> Ticket:
    """The comment as the analyzer reads it: its text as the body, no subject, its
    attachments, and as "requester" (whose own data never counts) its author when an end
    user wrote it, else the ticket's requester (an agent's note about them)."""
    requester = ticket.requester
    if comment.author_role == AUTHOR_REQUESTER:
        author = comment.author
        requester = Requester(name=author.name or requester.name, email=author.email or requester.email,
                              phone=author.phone or requester.phone, locale=author.locale or requester.locale)
    elif comment.author_role == AUTHOR_END_USER:
        requester = comment.author
    return Ticket(id=ticket.id, platform=ticket.platform, subject="", body=comment.body, requester=requester,
                  attachments=list(comment.attachments), tags=list(ticket.tags), project=ticket.project,
                  created_at=comment.created_at)


# --------------------------------------------------------------------------- the steps


def fetch(run: CommentRun) -> None:
    """Fetch the comment again: the event is only a hint."""
    try:
        run.comment = run.platform.fetch_comment(run.ticket_id, run.comment_id)
    except TicketGone:
        gone(run, "comment not found when fetched")


def fetch_ticket(run: CommentRun) -> None:
    """The ticket, when the comment alone does not tell enough: the rules scope tickets by
    project (brand, form), or the author is staff (their note is about the requester, whose
    own data does not count). An end user's comment otherwise needs only itself (fewer calls
    on the platform's API budget)."""
    assert run.comment is not None
    scope = run.services.rules.scope.get(run.platform_name)
    if not (scope is not None and scope.projects) and run.comment.author_role in END_USERS:
        run.ticket = Ticket(id=run.ticket_id, platform=run.platform_name, subject="", body="",
                            requester=run.comment.author)
        return
    try:
        run.ticket = run.platform.fetch_ticket(run.ticket_id)  # type: ignore[attr-defined]
    except TicketGone:
        gone(run, "ticket not found when fetched")
    assert run.ticket is not None
    if not in_scope(run.ticket, run.services.rules, run.platform_name):
        run.record(OUT_OF_SCOPE)
        raise Stop("out of scope")


def gone(run: CommentRun, why: str) -> None:
    if DELETING in run.done and DELETED not in run.done:  # comments.action delete_ticket asked for it
        run.record(DELETED, "gone from the platform after the deletion was asked for")
        run.record(NOTICE_LOST, "the deletion's answer was lost and the ticket with it; the address is not kept")
        raise Stop("deleted")
    run.record(GONE, why)
    raise Stop("gone")


def select(run: CommentRun) -> None:
    assert run.comment is not None
    reason = skip_reason(run.comment, run.services.rules.comments)
    if reason is not None:
        run.record(COMMENT_SKIPPED, reason)
        raise Stop("skipped")


def decide(run: CommentRun) -> None:
    """Download the comment's attachments, scan the comment alone, decide; record it."""
    assert run.ticket is not None and run.comment is not None
    services = run.services
    started = time.monotonic()
    holder = holder_ticket(run.ticket, run.comment)
    run.attachments, run.kinds = download_attachments(run.services.platform(run.platform_name), holder,
                                                      services.rules)
    run.language = services.analyzer.language_of(holder)
    run.decision = services.analyzer.analyse(holder, run.attachments, language=run.language)
    metrics.SCAN_SECONDS.observe(time.monotonic() - started)
    services.audit.record_decision(run.platform_name, run.key, run.decision, services.mode,
                                   services.rules.version_hash, run.language,
                                   [a.filename for a in run.comment.attachments], skip_repeat=True)
    run.record(COMMENT_DECIDED, f"comment {run.comment_id}; author {run.comment.author_role}; "
                                f"{'public' if run.comment.public else 'internal'}")
    metrics.DECISIONS.labels(run.decision.verdict, services.mode).inc()
    for kind, count in run.decision.kind_counts().items():
        metrics.KINDS.labels(kind).inc(count)
    log.info("comment decided", extra=run.log_extra(verdict=run.decision.verdict, kinds=run.decision.kind_counts(),
                                                    mode=services.mode))
    run.places = comment_places(run.decision, run.comment.attachments, run.kinds)
    action = run.decision.action
    if REDACTING in run.done and DELETING not in run.done:
        run.act = "redact"  # an earlier run asked for it: finish it (what is left, then confirm)
    elif action == "delete":
        run.act = services.rules.comments.action
    else:
        run.act = action
    run.outcome = {"redact": "redacted", "delete_ticket": "deleted", "review": "review", "none": "clean"}[run.act]
    if not run.enforcing:
        run.outcome = f"monitored ({run.decision.verdict})"


def comment_places(decision: Decision, attachments: list[AttachmentRef], kinds: list[str]) -> dict[str, list[str]]:
    """Where the counted kinds were, without file names; the text of the comment is ``comment``."""
    places = neutral_places(decision.places, [(ref.filename, kind) for ref, kind in zip(attachments, kinds)])
    if "body" in places:
        places["comment"] = places.pop("body")
    return places


def monitor(run: CommentRun) -> None:
    assert run.decision is not None
    run.record(MONITORED, run.decision.verdict)


def mark_review(run: CommentRun) -> None:
    assert run.decision is not None
    tag = run.services.rules.actions.review_tag
    note = f"(comment {run.comment_id}) " + review_note(run.decision)
    run.platform.mark_for_review(run.ticket_id, note, tag)  # type: ignore[attr-defined]
    run.record(REVIEW_MARKED, tag)


def leave_alone(run: CommentRun) -> None:
    run.record(ENFORCED, "clean")


def redact(run: CommentRun) -> None:
    """Remove the counted spans and the offending attachments; a refusal for good leaves the
    ticket tagged with a note for the agents and fails the job (a dead letter)."""
    assert run.decision is not None and run.comment is not None
    run.plan = plan_redaction(run.decision, run.comment.attachments)
    run.asked_before = REDACTING in run.done
    if not run.asked_before:
        run.record(REDACTING, json.dumps({"plan": json.loads(run.plan.summary()), "places": run.places},
                                         sort_keys=True))
    elif not run.places:  # everything was removed before the crash: the places come from the audit
        run.places = recorded_places(run.done)
    if run.plan.unredactable:  # nothing of it can be removed by redaction: a person decides
        mark_review(run)
        raise Stop("review")
    platform = run.platform
    results: list[RedactionResult] = []
    try:
        if run.plan.spans:
            results.append(platform.redact_comment(run.ticket_id, run.comment_id, run.plan.spans))
        for ref in run.plan.attachments:
            results.append(platform.remove_comment_attachment(run.ticket_id, run.comment_id, ref))
    except TicketGone:
        gone(run, "comment gone while it was being redacted")
    except PlatformRejected as exc:
        redaction_refused(run, exc)
        raise
    confirm(run, results)


def confirm(run: CommentRun, results: list[RedactionResult]) -> None:
    """Fetch the comment again: nothing counted may be left, no removed file listed."""
    assert run.decision is not None and run.plan is not None and run.ticket is not None
    try:
        after = run.platform.fetch_comment(run.ticket_id, run.comment_id)
    except TicketGone:
        gone(run, "comment gone after its redaction")
    left = values_left(run.decision, after.body) + attachments_left(run.plan, after.attachments)
    if not left:
        again = run.services.analyzer.analyse(holder_ticket(run.ticket, after), [], language=run.language)
        left = sum(1 for f in again.counted if f.place == "body")
    if left:
        metrics.REDACTIONS.labels(run.platform_name, "unconfirmed").inc()
        log.error("redaction not confirmed", extra=run.log_extra(left=left))
        tag = run.services.rules.actions.review_tag
        run.platform.mark_for_review(run.ticket_id, unconfirmed_note(run.comment_id), tag)  # type: ignore[attr-defined]
        run.record(REDACT_UNCONFIRMED, f"{left} counted value(s) or file(s) still there after the redaction")
        run.outcome = "review"
        raise Stop("review")
    spans, files = len(run.plan.spans), len(run.plan.attachments)
    if run.asked_before and run.plan.empty:  # removed by the run that died: its plan says how much
        asked = recorded_plan(run.done)
        spans, files = int(asked.get("spans", 0)), int(asked.get("attachments", 0))
    methods = sorted({r.method for r in results}) or ["removed before the worker restarted"]
    run.record(REDACTED, json.dumps({"method": "+".join(methods), "spans": spans, "attachments": files},
                                    sort_keys=True))
    metrics.REDACTIONS.labels(run.platform_name, "confirmed").inc()
    log.info("comment redacted", extra=run.log_extra(spans=len(run.plan.spans), attachments=len(run.plan.attachments)))


def _recorded(done: dict[str, StepRecord], field_name: str) -> dict:  # type: ignore[type-arg]
    record = done.get(REDACTING)
    try:
        return dict(json.loads(record.detail or "{}").get(field_name) or {}) if record else {}
    except (ValueError, AttributeError, TypeError):
        return {}


def recorded_places(done: dict[str, StepRecord]) -> dict[str, list[str]]:
    """The neutral places the redaction was asked for (kept in the ``redacting`` row)."""
    return _recorded(done, "places")


def recorded_plan(done: dict[str, StepRecord]) -> dict[str, int]:
    return _recorded(done, "plan")


def redaction_refused(run: CommentRun, exc: PlatformRejected) -> None:
    reason = str(exc)[:200]
    metrics.REDACTIONS.labels(run.platform_name, "refused").inc()
    log.error("redaction refused", extra=run.log_extra(error=reason))
    try:
        run.platform.mark_for_review(run.ticket_id, refused_note(run.comment_id, reason),  # type: ignore[attr-defined]
                                     run.services.rules.actions.review_tag)
    except Exception as note_exc:  # the dead letter still says why
        log.error("review tag after refused redaction failed", extra=run.log_extra(error=type(note_exc).__name__))
    run.record(REDACT_FAILED, reason)


def delete_ticket(run: CommentRun) -> None:
    """comments.action: delete_ticket: the whole ticket goes, as for a new one. The email is
    rendered and the mail server asked first: when mail is down the job fails before anything
    is deleted (the address goes with the ticket)."""
    notice, _ = build_notice(run)
    if notice is not None:
        run.services.notifier.ready()
    run.record(DELETING, f"for comment {run.comment_id}")
    try:
        result = run.platform.delete_ticket(run.ticket_id)  # type: ignore[attr-defined]
        detail = f"permanent={result.permanent}; {result.confirmation}"
    except TicketGone:
        detail = "already gone from the platform"
    run.record(DELETED, detail)


def notify(run: CommentRun) -> None:
    """Tell the comment's author (an end user) what was removed, after it was confirmed."""
    notice, why_not = build_notice(run)
    if notice is None:
        run.record(NOTIFY_SKIPPED, why_not)
        metrics.NOTICES.labels(run.platform_name, "skipped").inc()
        return
    try:
        message_id = send_with_retries(run.services.notifier, notice)
    except NotifyError as exc:
        if exc.transient and REDACTED in run.done:
            raise  # the comment and its author stay: the retried job sends it
        run.record(NOTICE_LOST, f"mail failed: {exc}"[:300])
        metrics.NOTICES.labels(run.platform_name, "lost").inc()
        return
    run.record(NOTIFIED, message_id)
    metrics.NOTICES.labels(run.platform_name, "sent").inc()


def build_notice(run: CommentRun) -> tuple[Notice | None, str]:
    if run.comment is None:  # the ticket was deleted before the email: the address went with it
        return None, "the ticket is gone; the address is not kept"
    if run.comment.author_role not in END_USERS:
        return None, f"the comment was written by {run.comment.author_role}, not an end user"
    author = holder_ticket(run.ticket, run.comment).requester if run.ticket else run.comment.author
    if not author.email:
        return None, "the comment's author has no email address"
    redacted = REDACTED in run.done
    places = run.places or recorded_places(run.done)
    date = run.comment.created_at.date().isoformat() if run.comment.created_at else None
    notice = Notice(
        to_email=author.email,
        to_name=author.name,
        locale=author.locale,
        ticket_language=run.services.analyzer.written_language(holder_ticket(run.ticket, run.comment))
        if run.ticket else run.language,
        platform=run.platform_name,
        ticket_id=run.ticket_id,
        places=places,
        idempotency_key=f"{run.platform_name}:{run.key}:{'redact' if redacted else 'delete'}",
        audience=run.services.rules.notify.audience,
        default_locale=run.services.rules.notify.platform_default_locale,
        redacted=redacted,
        message_date=date,
    )
    try:
        run.services.notifier.render(notice)
    except NotifyError as exc:
        if exc.transient:
            raise
        return None, str(exc)
    return notice, ""


def _acting(act: str) -> Callable[[CommentRun], bool]:
    return lambda r: r.enforcing and r.act == act


STEPS: tuple[Step, ...] = (
    Step("fetched", applies=lambda r: True, run=fetch),
    Step(COMMENT_SKIPPED, applies=lambda r: True, run=select, done_when=(COMMENT_SKIPPED,)),
    Step("ticket_fetched", applies=lambda r: True, run=fetch_ticket),
    Step(COMMENT_DECIDED, applies=lambda r: True, run=decide, done_when=(REDACTED, DELETED)),
    Step(MONITORED, applies=lambda r: not r.enforcing, run=monitor, done_when=(MONITORED,)),
    Step(REDACTED, applies=_acting("redact"), run=redact, done_when=(REDACTED,)),
    Step(DELETED, applies=_acting("delete_ticket"), run=delete_ticket, done_when=(DELETED,)),
    Step(NOTIFIED, applies=lambda r: r.enforcing and (REDACTED in r.done or DELETED in r.done), run=notify,
         done_when=NOTICE_ENDS),
    Step(REVIEW_MARKED, applies=_acting("review"), run=mark_review, done_when=(REVIEW_MARKED,)),
    # redacted what was found, but an attachment could not be read: a person looks at it too
    Step("review_unread", applies=lambda r: _acting("redact")(r) and r.decision is not None and unread_attachments(
        r.decision, r.services.rules.attachments.on_unscannable), run=mark_review, done_when=(REVIEW_MARKED,)),
    Step(ENFORCED, applies=_acting("none"), run=leave_alone, done_when=(ENFORCED,)),
)


def process_comment(services: Services, platform_name: str, ticket_id: str, comment_id: str) -> str:
    """Run one comment through ``STEPS``. Returns a short outcome (no personal data)."""
    started = time.monotonic()
    key = comment_key(ticket_id, comment_id)
    run = CommentRun(services, platform_name, ticket_id, comment_id, done=services.audit.steps(platform_name, key))
    if run.done.keys() & FINISHED:
        return "already done"
    if not run.enforcing and MONITORED in run.done:
        return "already done"
    if DELETED in run.done:  # the ticket went for this comment: only the email may be left
        if not run.done.keys() & set(NOTICE_ENDS):
            run.record(NOTICE_LOST, "the worker stopped between the deletion and the email; the address is not kept")
            metrics.NOTICES.labels(platform_name, "lost").inc()
        return "already deleted"
    if REDACTED in run.done:
        run.act = "redact"
        run.outcome = "redacted"
    try:
        for step in STEPS:
            if step.applies(run) and not step.already_done(run):
                step.run(run)
    except Stop as stop:
        return stop.outcome
    metrics.JOB_SECONDS.observe(time.monotonic() - started)
    return run.outcome


def unconfirmed_note(comment_id: str) -> str:
    return (f"gdpr-bridge asked the platform to remove personal data from comment {comment_id}, but fetched "
            "again the comment still holds some of it (or a file that should be gone). The requester has not "
            "been told anything. Please check the comment by hand.")


def refused_note(comment_id: str, reason: str) -> str:
    return (f"gdpr-bridge found personal data in comment {comment_id} that may not be kept, but the platform "
            f"refused to redact it ({reason}). The requester has not been told anything. Please remove it by "
            "hand, or give the bridge's API user the right to redact comments and retry the dead letter "
            "(gdpr-bridge deadletters retry).")
