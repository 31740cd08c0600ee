"""Plain HTTP to Zendesk with httpx, for what zenpy does not do well.

- attachment downloads: ``content_url`` answers 302 to a temporary URL that is often on
  another host; credentials go only to the API host, never to where a redirect points;
- JSON endpoints read page by page (incremental export, webhooks, triggers), so a
  retried page does not restart a whole listing.

Units here raise httpx/our errors; the caller wraps them in ``Caller`` for retries.
"""

from __future__ import annotations

import base64
from typing import Any, BinaryIO, Callable, Iterator, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from bridge.platform import PlatformRejected, PlatformUnavailable, RateBudget

from ..common.budget import httpx_hooks
from ..common.download import REDIRECTS, read_bounded, rewind, write_bounded
from .config import ZendeskSettings
from .errors import check

MAX_REDIRECTS = 5
T = TypeVar("T")
MAX_PAGES = 10_000


class ZendeskHttp:
    def __init__(self, settings: ZendeskSettings, user_agent: str = "gdpr-bridge",
                 budget: RateBudget | None = None) -> None:
        self.settings = settings
        credentials = f"{settings.email}/token:{settings.token}".encode("utf-8")
        self._authorization = "Basic " + base64.b64encode(credentials).decode("ascii")
        # No client-level auth and no automatic redirects: who gets credentials is decided per request.
        self.client = httpx.Client(
            timeout=settings.timeout, follow_redirects=False, headers={"User-Agent": user_agent},
            event_hooks=httpx_hooks(budget, lambda url: self._is_api_host(str(url))),
        )

    def close(self) -> None:
        self.client.close()

    def url(self, path: str) -> str:
        return f"{self.settings.base_url}/api/v2/{path.lstrip('/')}"

    def _is_api_host(self, url: str) -> bool:
        parts = urlsplit(url)
        base = urlsplit(self.settings.base_url)
        return parts.scheme == base.scheme and parts.netloc.lower() == base.netloc.lower()

    def _headers(self, url: str) -> dict[str, str]:
        return {"Authorization": self._authorization} if self._is_api_host(url) else {}

    # ------------------------------------------------------------------ JSON

    def request(self, method: str, path_or_url: str, what: str, gone_on_404: bool = False,
                **kwargs: Any) -> dict[str, Any]:
        url = path_or_url if "://" in path_or_url else self.url(path_or_url)
        if not self._is_api_host(url):
            raise PlatformRejected(f"zendesk: {what}: refusing to send credentials to another host")
        headers = {"Accept": "application/json", **self._headers(url)}
        response = check(self.client.request(method, url, headers=headers, **kwargs), what, gone_on_404)
        if response.status_code == 204 or not response.content:
            return {}
        data = response.json()
        if not isinstance(data, dict):
            raise PlatformUnavailable(f"zendesk: {what}: unexpected answer")
        return data

    @staticmethod
    def next_page(data: dict[str, Any]) -> str | None:
        """The next page of a list: cursor pagination (``meta.has_more`` + ``links.next``) or offset (``next_page``)."""
        meta = data.get("meta")
        if isinstance(meta, dict) and "has_more" in meta:
            links = data.get("links") or {}
            return links.get("next") if meta.get("has_more") else None
        return data.get("next_page") or None

    def pages(self, path: str, what: str, call: Any, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every page of a list; ``call(what, unit)`` retries each page on its own."""
        url: str | None = self.url(path)
        first = True
        for _ in range(MAX_PAGES):
            if url is None:
                return
            page_url, page_params = url, (params if first else None)
            data = call(what, lambda: self.request("GET", page_url, what, params=page_params))
            yield data
            first = False
            url = self.next_page(data)
        raise PlatformUnavailable(f"zendesk: {what}: more than {MAX_PAGES} pages")

    # ------------------------------------------------------------------ downloads

    def download(self, url: str, max_bytes: int, what: str) -> bytes:
        """GET ``url`` following redirects by hand; credentials only for the API host."""
        return self._follow(url, what, lambda response: read_bounded(response, max_bytes, what, "zendesk"))

    def download_to(self, url: str, out: BinaryIO, max_bytes: int, what: str) -> int:
        """Like ``download``, streaming the body into ``out`` (emptied first)."""
        rewind(out)
        return self._follow(url, what, lambda response: write_bounded(response, out, max_bytes, what, "zendesk"))

    def _follow(self, url: str, what: str, consume: Callable[[httpx.Response], T]) -> T:
        redirected = False
        for _ in range(MAX_REDIRECTS + 1):
            scheme = urlsplit(url).scheme
            if scheme not in ("http", "https"):
                raise PlatformRejected(f"zendesk: {what}: refusing a non-HTTP address")
            api_host = self._is_api_host(url)
            with self.client.stream("GET", url, headers=self._headers(url)) as response:
                if response.status_code in REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise PlatformUnavailable(f"zendesk: {what}: redirect without a location")
                    url, redirected = urljoin(url, location), True
                    continue
                if redirected and not api_host and response.status_code in (401, 403):
                    # The temporary URL expired (or was refused): asking content_url again gives a fresh one.
                    raise PlatformUnavailable(f"zendesk: {what}: temporary download address refused "
                                              f"(HTTP {response.status_code})")
                check(response, what, gone_on_404=True)
                return consume(response)
        raise PlatformUnavailable(f"zendesk: {what}: too many redirects")
