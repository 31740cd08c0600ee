"""Errors as people read them: one line, what went wrong and what to do, no class names."""

from __future__ import annotations

from bridge.platform import PlatformError, PlatformRejected, PlatformUnavailable, TicketGone

HINTS: tuple[tuple[type[BaseException], str], ...] = (
    (PlatformRejected, "check the platform's URL, email and API token (`gdpr-bridge doctor` checks them)"),
    (PlatformUnavailable, "the helpdesk did not answer in time or is rate limiting; try again in a few minutes"),
    (TicketGone, "the ticket no longer exists on the helpdesk"),
    (PlatformError, "`gdpr-bridge doctor` checks the platform's settings"),
    (OSError, "check that the file or folder exists and that this user may use it"),
)


def hint_for(exc: BaseException) -> str:
    from bridge.notify import NotifyError
    from bridge.rules import RulesError
    from bridge.settings import ConfigError

    if isinstance(exc, NotifyError):
        return "check SMTP_URL and MAIL_FROM (`gdpr-bridge doctor` checks them)"
    if isinstance(exc, RulesError):
        return "`gdpr-bridge rules check` names the line at fault"
    if isinstance(exc, ConfigError):
        return "fix the environment variable named above"
    if _platform_config_error(exc):
        return "set the platform's variables (README, Configuration); `gdpr-bridge doctor` checks them"
    for kind, hint in HINTS:
        if isinstance(exc, kind):
            return hint
    return "run again with BRIDGE_LOG_LEVEL=DEBUG to see the details"


def one_line(exc: BaseException) -> str:
    """``<message>; hint: <what to do>`` on one line, without the exception's class name."""
    from bridge.notify import NotifyError
    from bridge.rules import RulesError
    from bridge.settings import ConfigError

    known = (PlatformError, NotifyError, RulesError, ConfigError)
    if isinstance(exc, known) or _platform_config_error(exc):
        message = " ".join(str(exc).split()) or "failed"
    elif isinstance(exc, OSError):
        message = f"{exc.strerror or 'cannot use a file'}" + (f": {exc.filename}" if exc.filename else "")
    else:
        message = "an unexpected error stopped the command"
    return f"{message[:400]}; hint: {hint_for(exc)}"


def _platform_config_error(exc: BaseException) -> bool:
    """A platform package's settings error (a ``ValueError`` of a platform package): its
    message names the variable to set and never a value."""
    from bridge.platform import is_platform_module

    return isinstance(exc, ValueError) and is_platform_module(type(exc).__module__)
