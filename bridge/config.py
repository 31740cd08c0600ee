"""Kept for imports that predate ``bridge.settings``: the settings live there."""

from bridge.settings import DEFAULT_WORKERS, MODES, ConfigError, Settings, load_settings

__all__ = ["DEFAULT_WORKERS", "MODES", "ConfigError", "Settings", "load_settings"]
