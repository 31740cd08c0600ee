"""What the fake platform servers share: a uvicorn thread on 127.0.0.1, connections a
fault can reset with a TCP RST, and injected faults consumed in order."""

from __future__ import annotations

import asyncio
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Self

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass
class Logged:
    """One request a fake received (no bodies: tests inspect state instead)."""

    method: str
    path: str
    query: str
    host: str
    has_authorization: bool
    at: float
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Rule:
    pattern: re.Pattern[str]
    method: str
    responses: list[Any]


class Faults:
    """Faults for matching requests, each rule's responses consumed in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []

    def add(self, path_regex: str, method: str, responses: list[Any]) -> None:
        with self._lock:
            self._rules.append(Rule(re.compile(path_regex), method.upper(), list(responses)))

    def take(self, method: str, path: str) -> Any:
        """The next fault for this request, or None."""
        with self._lock:
            for rule in self._rules:
                if rule.method in (method, "*") and rule.pattern.search(path) and rule.responses:
                    return rule.responses.pop(0)
        return None

    def pending(self) -> int:
        with self._lock:
            return sum(len(rule.responses) for rule in self._rules)

    def clear(self) -> list[Rule]:
        """Drop every rule; returns the ones that still had unconsumed responses."""
        with self._lock:
            left = [rule for rule in self._rules if rule.responses]
            self._rules.clear()
            return left


class Connections:
    """Remembers each client's transport so a "reset" fault can abort it."""

    def __init__(self) -> None:
        self._transports: dict[tuple[str, int], asyncio.Transport] = {}

    def protocol(self) -> type[H11Protocol]:
        transports = self._transports

        class Protocol(H11Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
                super().connection_made(transport)  # type: ignore[arg-type]
                peer = transport.get_extra_info("peername")
                if peer:
                    transports[(peer[0], peer[1])] = transport  # type: ignore[assignment]

        return Protocol

    def abort(self, scope: dict[str, Any]) -> bool:
        """Close the client's connection with a TCP RST; False when it is not known."""
        transport = self._transports.get(tuple(scope.get("client") or ("", 0)))  # type: ignore[arg-type]
        if transport is None:
            return False
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
        return True


class ServerThread:
    """Any ASGI app served by uvicorn on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app: Any, http: Any = "h11", log_level: str = "critical") -> None:
        self.app = app
        self.http = http
        self.log_level = log_level
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _socket(self) -> socket.socket:
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
        # and without it every answer (headers and body written apart) waits ~40 ms for the
        # client's delayed ACK, which a real platform does not do.
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)

    def start(self) -> "ServerThread":
        sock = self._socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level=self.log_level,
            lifespan="off",
            interface="asgi3",
            proxy_headers=False,
            loop="asyncio",
            http=self.http,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeServer:
    """Lifecycle of a fake platform: its ``_asgi`` served on 127.0.0.1 (the API host) and
    ``localhost`` (the same port, standing in for another host), with faults to inject.
    Use as a context manager or start()/stop()."""

    server_thread: type[ServerThread] = ServerThread

    def __init__(self, log_level: str = "critical") -> None:
        self.log_level = log_level
        self.port = 0
        self._faults = Faults()
        self._connections = Connections()
        self._runner: ServerThread | None = None

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The API host."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        self._runner = self.server_thread(self._asgi, http=self._connections.protocol(), log_level=self.log_level)
        self._runner.start()
        self.port = self._runner.port
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
