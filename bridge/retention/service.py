"""Building what a retention run needs from the settings (the command and the periodic task),
and the periodic task itself."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bridge.audit import AuditLog
from bridge.cursors import CursorStore
from bridge.db import Database, open_database
from bridge.platform import PlatformError, RetentionPlatform, get_retention, platform_names
from bridge.retention.lock import LockBusy, RunLock
from bridge.retention.runner import Enforcer, report
from bridge.retention.store import RetentionStore
from bridge.rules.retention import RetentionRule

if TYPE_CHECKING:
    from bridge.rules import Rules
    from bridge.settings import Settings

log = logging.getLogger(__name__)

LAST_RUN = "retention:last_run"  # cursors: when the periodic task last completed a run
LAST_ATTEMPT = "retention:last_attempt"
RETRY_SECONDS = 3600.0  # a periodic run that stopped (platform down, lock held) is tried again after this


@dataclass
class RetentionServices:
    rules: "Rules"
    mode: str
    db: Database
    platforms: dict[str, RetentionPlatform] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line per rule whose platform cannot be used

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.db)

    @property
    def store(self) -> RetentionStore:
        return RetentionStore(self.db)

    def applicable(self) -> list[RetentionRule]:
        return [r for r in self.rules.retention if r.platform in self.platforms]

    def close(self) -> None:
        for platform in self.platforms.values():
            close = getattr(platform, "close", None)
            if close is not None:
                close()


def build(settings: "Settings", only: str | None = None) -> RetentionServices:
    """Rules, mode, the state database and a retention client (on the shared API budget) per
    platform a rule names; a rule whose platform is not configured gets a line in ``problems``."""
    from bridge.ratebudget import Budgets
    from bridge.rules import load_rules

    rules = load_rules(settings.rules.path)
    services = RetentionServices(rules, settings.mode(rules.mode), open_database(settings.state_url))
    budgets = Budgets(settings.queue_url, settings.data_dir, settings.queue.name, dict(rules.rate_limits))
    wanted = sorted({r.platform for r in rules.retention if only is None or r.platform == only})
    for name in wanted:
        section = settings.platforms.get(name)
        if name not in platform_names() or section is None or not section.configured():
            services.problems.append(f"{name}: not configured, its retention rules are skipped (set the "
                                     f"{name.upper()}_* variables)")
            continue
        try:
            services.platforms[name] = get_retention(name, settings.platform_environ(name), budgets.factory(name))
        except (ValueError, PlatformError) as exc:  # the platforms' config errors name the variable
            services.problems.append(f"{name}: {exc}")
    return services


def run_periodic(settings: "Settings", now: float | None = None) -> str:
    """The periodic task: when the interval has passed since the last completed run, enforce
    the rules (monitor mode: report what they would delete). Returns what it did, for the log."""
    interval = settings.retention.interval_hours * 3600.0
    if interval <= 0:
        return "off"
    now = time.time() if now is None else now
    cursors = CursorStore(open_database(settings.state_url))
    last_run = float(cursors.get(LAST_RUN) or 0)
    last_attempt = float(cursors.get(LAST_ATTEMPT) or 0)
    if now - last_run < interval or now - last_attempt < min(RETRY_SECONDS, interval):
        return "not due"
    from bridge.rules import load_rules

    if not load_rules(settings.rules.path).retention:
        return "no rules"
    cursors.set(LAST_ATTEMPT, f"{now:.0f}")
    services = build(settings)
    try:
        for line in services.problems:
            log.warning("retention: %s", line)
        rules = services.applicable()
        if services.mode != "enforce":
            for rule in rules:
                outcome = report(services.platforms[rule.platform], rule)
                log.info("retention (monitor mode): would delete", extra={
                    "platform": rule.platform, "rule": rule.name, "tickets": outcome.found})
        else:
            lock = RunLock(services.db, settings.jobs.lease_seconds, settings.jobs.host_id)
            try:
                lock.acquire()
            except LockBusy as exc:
                log.info("retention: skipped, %s", exc)
                return "busy"
            try:
                for rule in rules:
                    enforcer = Enforcer(services.platforms[rule.platform], services.store, services.audit)
                    state, outcome = enforcer.prepare(rule)
                    enforcer.collect(rule, state, outcome)
                    enforcer.delete(rule, state, outcome)
            finally:
                lock.release()
    finally:
        services.close()
    cursors.set(LAST_RUN, f"{now:.0f}")
    return "ran"
