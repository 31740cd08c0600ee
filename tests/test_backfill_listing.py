"""The listing a backfill walks (``created_pages`` on the fake Zendesk and Jira, real HTTP)
and its ETA arithmetic."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from bridge.backfill import Pace, Plan, Status, duration_text
from bridge.platform import HistoryPlatform, get_platform
from tests.e2e import PLATFORMS, make_harness

NOW = datetime.now(timezone.utc)


@pytest.fixture(params=PLATFORMS)
def listed(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any, dict[str, int]]]:
    """A platform client paging 3 at a time, and tickets created ``days`` ago (id -> days)."""
    harness = make_harness(request.param)
    ages = {}
    for days in (400, 300, 250, 200, 150, 120, 100, 90, 80, 70, 40, 10):
        when = NOW - timedelta(days=days)
        if harness.name == "zendesk":
            ages[str(harness.fake.add_ticket("Old", "text", created_at=when))] = days
        else:
            ages[harness.fake.add_issue("SD", "Old", "text", created=when)] = days
    if harness.name == "zendesk":
        harness.fake.export_page_size = 3
    platform = get_platform(harness.name, harness.env())
    if harness.name == "jira":
        platform.page_size = 3  # type: ignore[attr-defined]
    yield harness, platform, ages
    harness.stop()


def test_pages_list_the_window_once_in_order_of_progress_and_resume_from_any_page(listed: Any) -> None:
    _harness, platform, ages = listed
    assert isinstance(platform, HistoryPlatform)
    since, until = NOW - timedelta(days=365), NOW - timedelta(days=30)
    pages = list(platform.created_pages(since, until))
    wanted = sorted(t for t, days in ages.items() if 30 < days < 365)
    got = [t for page in pages for t in page.ticket_ids]
    assert sorted(got) == wanted and len(got) == len(set(got))
    assert len(pages) >= 3 and pages[-1].resume is None and pages[-1].progress == 1.0
    assert all(page.resume for page in pages[:-1])
    shares = [page.progress for page in pages if page.progress is not None]
    assert shares == sorted(shares) and 0.0 <= shares[0] < 1.0

    middle = pages[1]
    rest = [t for page in platform.created_pages(since, until, middle.resume) for t in page.ticket_ids]
    before = {t for page in pages[:2] for t in page.ticket_ids}
    assert set(rest) >= set(wanted) - before  # nothing after the resume point is skipped
    assert len(set(rest) & before) <= 3  # at most the resume point's own page again (deduped by the caller)


def test_the_eta_is_the_later_of_the_rate_budget_and_the_measured_drain() -> None:
    plan = Plan("zendesk", "monitor", 0.0, 1.0, "2y", "now", started=0.0, queued=1000, progress=0.25)
    status = Status(plan, finished=400)
    pace = Pace(requests_per_ticket=3.0, per_minute=600.0)
    pace.update(status, now=0.0)
    assert status.left == pytest.approx(1000 - 400 + 3000)  # 4000 tickets in the window, 400 decided
    assert status.eta_budget == pytest.approx(3600 * 3.0 / 600.0 * 60.0)  # 3600 tickets × 3 requests ÷ 10 a second
    assert status.eta_measured is None  # nothing measured yet
    status.finished = 460
    pace.update(status, now=60.0)  # 60 tickets in 60 s: 1 a second
    assert status.eta_measured == pytest.approx(3540.0)
    assert status.eta_budget == pytest.approx(1062.0)
    assert status.eta() == status.eta_measured  # the workers, not the budget, are the bottleneck here
    plan.finished, plan.queued = 1.0, 500
    status.finished = 500
    pace.update(status, now=61.0)
    assert status.left == 0 and status.eta() == 0
    assert duration_text(3 * 3600 + 12 * 60) == "3h 12m" and duration_text(None) == "?"


def run_cli(tmp_path: Path, *args: str) -> Any:
    """The command (in this process) with no platform configured and a fresh data folder."""
    from click.testing import CliRunner

    from bridge.cli import cli

    root = Path(__file__).resolve().parents[1]
    unset = {name: None for name in os.environ if name.startswith(("ZENDESK_", "JIRA_", "BRIDGE_"))}
    env = {**unset, "BRIDGE_DATA_DIR": str(tmp_path / "data"), "BRIDGE_RULES": str(root / "rules.yaml")}
    return CliRunner().invoke(cli, ["backfill", *args], env=env)


@pytest.mark.parametrize("args, status, message", [
    (["freshdesk", "--since", "2y"], 2, "unknown platform 'freshdesk'; choose one of: jira, zendesk"),
    (["zendesk", "--since", "2 years"], 2, "'2 years' is not a time like 2y, 90d, 12w or a date like 2024-01-31"),
    (["zendesk", "--since", "2999-01-01"], 2, "is in the future; give a past date, or a time ago like 90d"),
    (["zendesk", "--since", "30d", "--until", "1y"], 2, "--until 1y is not after --since 30d"),
    (["zendesk", "--since", "2y"], 1, "zendesk is not configured here; hint: set its variables"),
])
def test_wrong_arguments_are_one_error_line_with_a_hint_and_nothing_is_created(
        tmp_path: Path, args: list[str], status: int, message: str) -> None:
    result = run_cli(tmp_path, *args)
    assert result.exit_code == status, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "data").exists()
