"""Prometheus metrics. Labels are closed sets (results, verdicts, kinds): never ids or values."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

WEBHOOKS = Counter(
    "gdpr_bridge_webhooks_total", "Webhook requests by platform and result", ["platform", "result"], registry=REGISTRY
)
JOBS = Counter("gdpr_bridge_jobs_total", "Jobs by outcome", ["platform", "outcome"], registry=REGISTRY)
DECISIONS = Counter("gdpr_bridge_decisions_total", "Decisions by verdict", ["verdict", "mode"], registry=REGISTRY)
KINDS = Counter("gdpr_bridge_findings_total", "Counted findings by entity kind", ["kind"], registry=REGISTRY)
PLATFORM_ERRORS = Counter(
    "gdpr_bridge_platform_errors_total", "Platform API errors by platform and error", ["platform", "error"],
    registry=REGISTRY,
)
SCAN_SECONDS = Histogram(
    "gdpr_bridge_scan_seconds", "Time to extract and scan one ticket", registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
EXTRACT_SECONDS = Histogram(
    "gdpr_bridge_extract_seconds", "Time to extract one attachment in its child (OCR for images and scanned pages)",
    ["kind", "outcome"], registry=REGISTRY,
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)
JOB_SECONDS = Histogram(
    "gdpr_bridge_job_seconds", "Time for one job from start to end", registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
QUEUE_DEPTH = Gauge("gdpr_bridge_queue_depth", "Jobs waiting in the queue", registry=REGISTRY)
DEAD_LETTERS = Gauge("gdpr_bridge_dead_letters", "Jobs that ended dead", registry=REGISTRY)
NOTICES = Counter(
    "gdpr_bridge_notices_total", "Requester emails after a deletion: sent, skipped (no address) or lost",
    ["platform", "result"], registry=REGISTRY,
)
DELETIONS_FAILED = Counter(
    "gdpr_bridge_deletions_failed_total", "Deletions the platform refused for good (ticket tagged for review)",
    ["platform"], registry=REGISTRY,
)
REDACTIONS = Counter(
    "gdpr_bridge_redactions_total",
    "Redactions of a comment or a description: confirmed, unconfirmed (data still there: review) or refused",
    ["platform", "result"], registry=REGISTRY,
)
COMMENT_EVENTS = Counter(
    "gdpr_bridge_comment_jobs_total", "Comment jobs queued, by source (webhook, sweep)", ["platform", "source"],
    registry=REGISTRY,
)
CHANNEL_REJECTIONS = Counter(
    "gdpr_bridge_channel_rejections_total", "Tickets of a channel the rules reject (docs/channels.md)",
    ["platform", "channel", "action", "mode"], registry=REGISTRY,
)
