"""Jira Cloud / Jira Service Management: issues through the ``jira`` library, JSM and admin calls through httpx."""

from .config import JiraConfigError, JiraSection
from .errors import RetryPolicy
from .install import INSTALL
from .platform import JiraPlatform
from .webhook import JiraWebhook

PLATFORM = JiraPlatform
SETTINGS = JiraSection
WEBHOOK = JiraWebhook

__all__ = ["INSTALL", "PLATFORM", "SETTINGS", "WEBHOOK", "JiraConfigError", "JiraPlatform", "JiraWebhook",
           "RetryPolicy"]

from .retention import JiraRetention  # noqa: E402 - retention (issue 16), apart from the rest

RETENTION = JiraRetention
