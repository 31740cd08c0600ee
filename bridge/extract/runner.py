"""Bounded execution: one attachment is extracted in a child process that cannot hang
or bloat the worker.

The child (``python -m bridge.extract.child``, the request pickled to its stdin, the
result as JSON from its stdout; ``bridge.extract.isolation`` keeps the worker's secrets out
of its reach) sets its own address-space limit (``RLIMIT_AS`` = ``max_memory_mb``) before it
touches the bytes, and leads a new session so that the wall-clock kill at
``timeout_seconds`` also ends any Tesseract process it started. The parent only
waits, and turns a timeout, a ``MemoryError`` or a dead child into a problem.

Why a fresh interpreter and not ``multiprocessing``: forking the worker would copy its
address space (spaCy models) into a child whose memory limit must be small, and would
fork its threads; the forkserver and spawn methods re-import the caller's ``__main__``
and refuse to start from daemonic processes (huey's process workers). Starting Python
costs ~0.3 s per attachment, small next to OCR, and works from any caller.

At most ``BRIDGE_EXTRACT_CONCURRENCY`` children (default 1) run at once per worker
process, whatever its number of threads: an OCR child can take up to its memory limit,
and a small container must hold the worker and its children together. A thread waiting
for its turn is not counted against the attachment's wall-clock limit.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from bridge.extract.detect import detect_kind
from bridge.extract.isolation import child_identity, decode_result, make_undumpable
from bridge.extract.limits import AttachmentLimits
from bridge.findings import ExtractedAttachment
from bridge.metrics import EXTRACT_SECONDS

log = logging.getLogger(__name__)

MB = 1024 * 1024
CHILD_ENV = frozenset({"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TESSDATA_PREFIX", "PYTHONHOME",
                       "PYTHONPATH", "VIRTUAL_ENV", "LD_LIBRARY_PATH", "SYSTEMROOT"})


_concurrency = 1  # extraction children at once per process; set from the settings
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def set_extract_concurrency(value: int) -> None:
    """At most ``value`` extraction children at once in this process (``BRIDGE_EXTRACT_CONCURRENCY``)."""
    global _concurrency, _slots
    if value < 1:
        raise ValueError("BRIDGE_EXTRACT_CONCURRENCY must be a whole number of at least 1")
    with _slots_lock:
        _concurrency = value
        _slots = None


def _child_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(_concurrency)
        return _slots


@dataclass(frozen=True)
class Request:
    filename: str
    data: bytes
    limits: AttachmentLimits
    language: str
    ocr: bool


def run_bounded(request: Request) -> ExtractedAttachment:
    """Extract ``request`` in a child bounded by its limits' memory and wall clock."""
    with _child_slots():
        started = time.monotonic()
        result = _run_subprocess(request)
    EXTRACT_SECONDS.labels(result.kind, "problem" if result.problem else "read").observe(time.monotonic() - started)
    log.debug("attachment extracted", extra={"kind": result.kind, "parts": len(result.parts),
                                              "problem": result.problem is not None,
                                              "seconds": round(time.monotonic() - started, 3)})
    return result


# --- in the child -------------------------------------------------------------------

def limit_child(limits: AttachmentLimits) -> None:
    """Bound this (child) process; called first thing, before the bytes are parsed."""
    _set_limit(resource.RLIMIT_AS, limits.max_memory_mb * MB)
    _set_limit(resource.RLIMIT_CORE, 0)
    os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract on one core
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    warnings.simplefilter("ignore")  # parser warnings may quote the file
    for name in ("pypdf", "PIL", "openpyxl", "docx"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _set_limit(which: int, value: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def extract_in_child(request: Request) -> ExtractedAttachment:
    limit_child(request.limits)
    try:
        from bridge.extract.registry import extract_inline

        return extract_inline(request.filename, request.data, request.limits, request.language, request.ocr)
    except MemoryError:
        return _problem(request, out_of_memory(request.limits))


# --- in the parent ------------------------------------------------------------------

def child_environment() -> dict[str, str]:
    """What the child needs to find Python, our package and Tesseract, and nothing else:
    a parser exploited by a hostile file finds no API tokens in its environment."""
    env = {name: value for name, value in os.environ.items() if name in CHILD_ENV}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


CHILD_COMMAND = [sys.executable, "-m", "bridge.extract.child"]


def start_child(command: list[str] | None = None) -> "subprocess.Popen[bytes]":
    """The child process, as the bridge starts it: the worker non-dumpable first, the child
    with a cleaned environment, in its own session, as ``nobody`` where we are root."""
    make_undumpable()
    return subprocess.Popen(
        command or CHILD_COMMAND,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        start_new_session=True, env=child_environment(), **child_identity(),
    )


def _run_subprocess(request: Request) -> ExtractedAttachment:
    process = start_child()
    try:
        output, _ = process.communicate(pickle.dumps(request), timeout=request.limits.timeout_seconds)
    except subprocess.TimeoutExpired:
        _kill(process.pid)
        process.communicate()
        return _problem(request, timed_out_reason(request.limits))
    if process.returncode == 0 and output:
        result = decode_result(request.filename, output)  # JSON: a compromised child cannot run code here
        if result is not None:
            return result
        return _problem(request, "extraction process gave an unreadable answer")
    return _problem(request, died_reason(process.returncode))


def _kill(pid: int | None) -> None:
    """Kill the child's process group (it and its Tesseract), or the child alone."""
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _problem(request: Request, reason: str) -> ExtractedAttachment:
    kind = detect_kind(request.filename, request.data, deep=False)  # magic numbers only: no parsing here
    return ExtractedAttachment(request.filename, kind, problem=reason)


def timed_out_reason(limits: AttachmentLimits) -> str:
    return f"timed out after {limits.timeout_seconds:g} s"


def out_of_memory(limits: AttachmentLimits) -> str:
    return f"ran out of memory (limit {limits.max_memory_mb} MB)"


def died_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        if -exitcode == signal.SIGKILL:
            return "extraction process killed (out of memory?)"
        return f"extraction process crashed (signal {-exitcode})"
    return f"extraction process failed (exit {exitcode})"
