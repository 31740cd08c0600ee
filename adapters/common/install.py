"""What every installer shares: where the bridge's webhook endpoint for a platform is."""

from __future__ import annotations


def endpoint_for(public_url: str, platform: str) -> str:
    """``<base>/webhooks/<platform>`` for the bridge at ``public_url``, which may be the base
    URL or the endpoint itself (what an admin copying the endpoint pastes); never doubled."""
    base = public_url.strip().rstrip("/")
    suffix = f"/webhooks/{platform}"
    return base if base.endswith(suffix) else base + suffix
