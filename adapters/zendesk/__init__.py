"""Zendesk Support: tickets through zenpy, downloads/export/admin calls through httpx."""

from .config import ZendeskConfigError, ZendeskSection, ZendeskSettings
from .platform import ZendeskPlatform
from .webhook import ZendeskWebhook

PLATFORM = ZendeskPlatform
SETTINGS = ZendeskSection
WEBHOOK = ZendeskWebhook

__all__ = ["PLATFORM", "SETTINGS", "WEBHOOK", "ZendeskConfigError", "ZendeskPlatform", "ZendeskSettings", "ZendeskWebhook"]
