"""Keeping the worker's secrets out of reach of the extraction child, and the child's answer
from running code in the worker.

- The worker makes itself non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``) before it starts a
  child: a process of the same user can then neither read ``/proc/<worker>/environ`` (API
  tokens, webhook secrets, the status token) nor attach a debugger to it.
- Where the worker runs as root, root's capabilities would let the child read any process's
  environment whatever its dumpable flag. The child then runs as ``nobody`` with no
  supplementary groups when the interpreter and our code are readable by everyone (it gets
  its input over a pipe and writes its temporary files, Tesseract's, itself); otherwise it
  stays uid 0 but drops every capability first thing (``confine_child``), bounding set
  included, so that neither it nor the Tesseract it starts gets one back.
- The child answers in JSON, checked field by field: a parser compromised by a hostile
  file can at worst make up text, not make the worker unpickle an object.
"""

from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import pwd
import stat
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from bridge.findings import ExtractedAttachment, TextPart

log = logging.getLogger(__name__)

PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
_CAPABILITY_VERSION_3 = 0x20080522
CHILD_USER = "nobody"

_undumpable_lock = threading.Lock()
_undumpable = False


def make_undumpable() -> bool:
    """``prctl(PR_SET_DUMPABLE, 0)`` for this process, once. False where it is not available."""
    global _undumpable
    with _undumpable_lock:
        if _undumpable:
            return True
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            failed = libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0
        except (OSError, AttributeError):  # not Linux
            failed = True
        if failed:
            log.warning("worker could not be made non-dumpable: an extraction child of the same user "
                        "could read its environment")
            return False
        _undumpable = True
        return True


def child_identity() -> dict[str, Any]:
    """``subprocess.Popen`` arguments that run the child as ``nobody`` when we are root and
    ``nobody`` can run our interpreter and read our code (set in the child by
    ``_posixsubprocess``: safe with the worker's threads); none otherwise."""
    if os.geteuid() != 0 or not _readable_by_everyone():
        return {}
    try:
        account = pwd.getpwnam(CHILD_USER)
    except KeyError:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


@lru_cache(maxsize=1)
def _readable_by_everyone() -> bool:
    """Whether the interpreter, the import path and our package are there for any user."""
    package_root = Path(__file__).resolve().parents[2]
    paths = [Path(sys.executable).resolve(), package_root,
             *(Path(p).resolve() for p in sys.path if p and Path(p).is_dir())]
    for path in paths:
        for directory in [*reversed(path.parents), path] if path.is_dir() else reversed(path.parents):
            if not _mode_has(directory, stat.S_IXOTH):
                return False
        if not _mode_has(path, stat.S_IROTH):
            return False
    return True


def _mode_has(path: Path, bits: int) -> bool:
    try:
        return bool(path.stat().st_mode & bits)
    except OSError:
        return False


def confine_child() -> None:
    """First thing in the child, before the request is read: as root, give up every
    capability (no reading other processes' memory or environment, no file permission
    overrides), for good and for whatever it executes."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for capability in range(64):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break  # past the last capability this kernel knows
    header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: nothing
    if libc.capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "could not drop the extraction child's capabilities")


# --- the child's answer ------------------------------------------------------------

def encode_result(result: ExtractedAttachment) -> bytes:
    """The child's answer as JSON (ASCII: text with lone surrogates survives the trip)."""
    return json.dumps({
        "kind": result.kind,
        "problem": result.problem,
        "parts": [{"place": p.place, "text": p.text, "detail": p.detail, "language": p.language, "ocr": p.ocr}
                  for p in result.parts],
    }).encode("ascii")


def decode_result(filename: str, output: bytes) -> ExtractedAttachment | None:
    """The child's answer for the attachment ``filename``, or None when it is not one."""
    try:
        data = json.loads(output)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str) or not isinstance(data.get("parts"), list):
        return None
    problem = data.get("problem")
    if problem is not None and not isinstance(problem, str):
        return None
    parts = []
    for raw in data["parts"]:
        if not isinstance(raw, dict) or not isinstance(raw.get("place"), str) or not isinstance(raw.get("text"), str):
            return None
        detail, language = raw.get("detail"), raw.get("language")
        if not all(value is None or isinstance(value, str) for value in (detail, language)):
            return None
        ocr = raw.get("ocr", False)
        if not isinstance(ocr, bool):
            return None
        parts.append(TextPart(raw["place"], raw["text"], detail, language, ocr=ocr))
    return ExtractedAttachment(filename, data["kind"], parts=parts, problem=problem)
