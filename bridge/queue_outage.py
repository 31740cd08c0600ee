"""One line per minute, not ten a second, while the queue (Redis) is down.

huey's consumer logs "Error reading from queue" with a traceback on every poll that
fails: with a 0.1 s poll that is ten lines a second per worker thread for as long as the
outage lasts. ``QueueOutageLog`` (a filter on the log handler, so it sees the records
of all of huey's consumer loggers) lets the first through with a hint, then one summary a
minute with the count, and the queue logs one line when a read succeeds again.
"""

from __future__ import annotations

import logging
import threading
import time

HUEY_QUEUE_ERRORS = ("Error reading from queue", "Error reading schedule", "Error enqueueing periodic task")
HINT = ("is the queue server (BRIDGE_QUEUE_URL) running? jobs wait in it and workers keep retrying;"
        " logged once a minute until it is back")

log = logging.getLogger("bridge.queue")


class QueueOutageLog(logging.Filter):
    def __init__(self, every_seconds: float = 60.0) -> None:
        super().__init__()
        self.every = every_seconds
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._last_line = 0.0
        self._held = 0  # lines held back since the last one let through
        self._total = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("huey") or not str(record.msg).startswith(HUEY_QUEUE_ERRORS):
            return True
        now, huey_message = time.monotonic(), str(record.msg)
        extra: dict[str, object]
        error_type = type(record.exc_info[1]).__name__ if record.exc_info and record.exc_info[1] else None
        with self._lock:
            self._total += 1
            if self._down_since is None:
                self._down_since, self._last_line, self._held = now, now, 0
                message, extra = "queue unavailable", {"hint": HINT}
            elif now - self._last_line >= self.every:
                message = "queue still unavailable"
                extra = {"errors_since_last_line": self._held + 1, "down_seconds": round(now - self._down_since)}
                self._last_line, self._held = now, 0
            else:
                self._held += 1
                return False
        # the traceback names the server and repeats what error_type says
        record.msg, record.args, record.exc_info, record.exc_text = message, (), None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.__dict__.update(extra, huey_message=huey_message, error_type=error_type)
        return True

    def reachable(self) -> None:
        """A read from the queue succeeded: say so once if it was down. Cheap when it was not."""
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            down, total = time.monotonic() - self._down_since, self._total
            self._down_since, self._held, self._total = None, 0, 0
        log.info("queue reachable again", extra={"down_seconds": round(down, 1), "errors": total})


QUEUE_OUTAGE = QueueOutageLog()
