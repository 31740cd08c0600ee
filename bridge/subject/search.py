"""Finding a person's tickets on every configured platform, through ``SubjectRequests``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping

from bridge.platform import CC, REQUESTER, Person, PlatformError, SubjectRequests, TicketSummary, get_platform, platform_names

if TYPE_CHECKING:
    from bridge.settings import Settings
    from bridge.ratebudget import Budgets


@dataclass
class Findings:
    """What one platform holds about the person (or why it could not be asked)."""

    platform: str
    people: list[Person] = field(default_factory=list)
    requested: list[TicketSummary] = field(default_factory=list)
    copied: list[TicketSummary] = field(default_factory=list)
    error: str | None = None

    @property
    def staff(self) -> list[Person]:
        return [p for p in self.people if p.staff]


def subject_platforms(settings: "Settings") -> tuple[dict[str, SubjectRequests], list[str]]:
    """The configured platforms that answer data-subject requests, and one line per one that
    is configured but cannot be built (the line names the variable, never a value)."""
    platforms: dict[str, SubjectRequests] = {}
    problems: list[str] = []
    budgets = _shared_budgets(settings)
    for name in platform_names():
        section = settings.platforms.get(name)
        if section is None or not section.configured():
            continue
        try:
            platform = get_platform(name, settings.platform_environ(name), budgets.factory(name))
        except ValueError as exc:  # the platforms' config errors
            problems.append(f"{name}: {exc}")
            continue
        if not isinstance(platform, SubjectRequests):
            problems.append(f"{name}: this platform does not support data-subject requests")
            continue
        platforms[name] = platform
    return platforms, problems


def _shared_budgets(settings: "Settings") -> "Budgets":
    """The API budget every worker spends (``bridge.ratebudget``): a subject request's calls
    count against the same platform limit as the webhooks' jobs."""
    from bridge.ratebudget import Budgets
    from bridge.rules import RulesError, load_rules

    try:
        limits = dict(load_rules(settings.rules.path).rate_limits)
    except RulesError:  # the rules' own check says what is wrong; the defaults still hold
        limits = {}
    return Budgets(settings.queue_url, settings.data_dir, settings.queue.name, limits)


def find(platforms: Mapping[str, SubjectRequests], email: str) -> list[Findings]:
    """Ask every platform; a platform that fails is reported in its ``Findings.error``."""
    return [find_on(name, platform, email) for name, platform in platforms.items()]


def find_on(name: str, platform: SubjectRequests, email: str) -> Findings:
    found = Findings(name)
    try:
        found.people = platform.find_users(email)
        for person in found.people:
            found.requested += _new(platform.tickets_of(person, REQUESTER), found.requested)
            found.copied += _new(platform.tickets_of(person, CC), found.copied)
    except PlatformError as exc:
        found.error = str(exc)
    mine = {t.id for t in found.requested}
    found.copied = [t for t in found.copied if t.id not in mine]
    return found


def _new(tickets: Iterable[TicketSummary], known: list[TicketSummary]) -> list[TicketSummary]:
    seen = {t.id for t in known}
    out = []
    for ticket in tickets:
        if ticket.id not in seen:
            seen.add(ticket.id)
            out.append(ticket)
    return out
