"""Zendesk Support: tickets through zenpy, downloads/export/admin calls through httpx."""

from .config import ZendeskConfigError, ZendeskSection, ZendeskSettings
from .install import INSTALL
from .platform import ZendeskPlatform
from .webhook import ZendeskWebhook

PLATFORM = ZendeskPlatform
SETTINGS = ZendeskSection
WEBHOOK = ZendeskWebhook

__all__ = ["INSTALL", "PLATFORM", "SETTINGS", "WEBHOOK", "ZendeskConfigError", "ZendeskPlatform", "ZendeskSettings",
           "ZendeskWebhook"]

from .retention import ZendeskRetention  # noqa: E402 - retention (issue 16), apart from the rest

RETENTION = ZendeskRetention
