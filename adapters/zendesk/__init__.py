"""Zendesk Support: tickets through zenpy, downloads/export/admin calls through httpx."""

from .config import ZendeskConfigError, ZendeskSettings
from .install import INSTALL
from .platform import ZendeskPlatform
from .webhook import ZendeskWebhook

PLATFORM = ZendeskPlatform
WEBHOOK = ZendeskWebhook

__all__ = ["INSTALL", "PLATFORM", "WEBHOOK", "ZendeskConfigError", "ZendeskPlatform", "ZendeskSettings", "ZendeskWebhook"]
