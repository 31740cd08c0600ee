"""The environment file ``install --env-file`` keeps: ``KEY=value`` lines, as systemd's
``EnvironmentFile=`` and a shell's ``set -a; . FILE; set +a`` both read them.

Setting a key replaces its line (later duplicates are dropped) and keeps every other
line. The file holds secrets, so it is never readable by others, not even for a moment:
the new content goes into a temporary file in the same folder, created with mode 0600
(``O_CREAT | O_EXCL | O_NOFOLLOW``), written and fsynced, then renamed over the old one.
A symbolic link is refused rather than followed.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shlex
from pathlib import Path
from typing import Mapping

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class EnvFileError(Exception):
    """The file cannot be read or written as asked; the message names the file, never a value."""


def _read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist. Refuses a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise EnvFileError(f"{path} is a symbolic link; give the real file's path") from None
        raise EnvFileError(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "r", encoding="utf-8") as handle:
        try:
            return handle.read()
        except UnicodeDecodeError:
            raise EnvFileError(f"{path} is not a UTF-8 text file") from None


def read_env_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``KEY=value`` settings in the file ({} when it does not exist)."""
    text = _read_text(Path(path))
    values: dict[str, str] = {}
    for line in (text or "").splitlines():
        match = _LINE.match(line)
        if match and not line.lstrip().startswith("#"):
            raw = match.group(2).strip()
            try:
                parts = shlex.split(raw) if raw else [""]
            except ValueError:
                parts = [raw]
            values[match.group(1)] = parts[0] if len(parts) == 1 else raw
    return values


def _merged(text: str, values: Mapping[str, str]) -> str:
    written: set[str] = set()
    lines: list[str] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        key = str(match.group(1)) if match and not line.lstrip().startswith("#") else None
        if key is not None and key in values:
            if key not in written:  # the first line of a key takes the new value; duplicates go
                lines.append(f"{key}={shlex.quote(values[key])}")
                written.add(key)
            continue
        lines.append(line)
    lines += [f"{key}={shlex.quote(value)}" for key, value in values.items() if key not in written]
    return "\n".join(lines) + "\n"


def set_env_values(path: str | os.PathLike[str], values: Mapping[str, str]) -> None:
    """Set ``values`` in the file at ``path`` (created when missing), mode 0600, atomically."""
    target = Path(path)
    for key, value in values.items():
        if not _KEY.match(key) or "\n" in value or "\r" in value:
            raise EnvFileError(f"cannot write {key!r}: not a KEY=value setting")
    content = _merged(_read_text(target) or "", values)
    folder = target.parent if str(target.parent) else Path(".")
    temporary = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise EnvFileError(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        os.fchmod(fd, 0o600)  # exactly 0600, whatever the umask took away
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise EnvFileError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)
