"""A worker with several threads runs at most BRIDGE_EXTRACT_CONCURRENCY extraction children
at once, so that its OCR children cannot add up past a small container's memory."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from bridge.settings import ConfigError, load_settings

from bridge.extract import extract_attachment, runner
from bridge.extract.limits import AttachmentLimits
from tests.fixtures.extract import builders as b

LIMITS = AttachmentLimits(timeout_seconds=30)
THREADS = 3


def extraction_children() -> int:
    """Live ``bridge.extract.child`` processes whose parent is this test process."""
    count = 0
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = stat.rsplit(")", 1)[1].split()[1]
        if ppid == me and b"bridge.extract.child" in cmdline:
            count += 1
    return count


def run_threads_and_watch() -> tuple[int, list[str]]:
    picture = b.image_bytes(b.text_image(["Export failed with error E-4411", "Retry later"], size=(900, 200)))
    texts: list[str] = []
    done = threading.Event()
    peak = 0

    def work() -> None:
        result = extract_attachment("screen.png", picture, LIMITS, "en")
        texts.append(" ".join(part.text for part in result.parts) if result.problem is None else "PROBLEM")

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, extraction_children())
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    workers = [threading.Thread(target=work) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    done.set()
    watcher.join()
    return peak, texts


@pytest.fixture
def fresh_slots(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(runner, "_slots", None)  # the cap is set once per process
    monkeypatch.setattr(runner, "_concurrency", 1)
    yield monkeypatch
    runner._slots = None
    runner._concurrency = 1


def test_one_child_at_a_time_by_default(fresh_slots: pytest.MonkeyPatch) -> None:
    runner.set_extract_concurrency(load_settings({}).extract.concurrency)
    peak, texts = run_threads_and_watch()
    assert len(texts) == THREADS and all("E-4411" in text for text in texts), texts
    assert peak == 1


def test_the_cap_is_configurable(fresh_slots: pytest.MonkeyPatch) -> None:
    runner.set_extract_concurrency(load_settings({"BRIDGE_EXTRACT_CONCURRENCY": str(THREADS)}).extract.concurrency)
    peak, texts = run_threads_and_watch()
    assert all("E-4411" in text for text in texts), texts
    assert peak >= 2  # the threads' children overlapped


def test_a_nonsense_cap_is_refused(fresh_slots: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="BRIDGE_EXTRACT_CONCURRENCY must be at least 1"):
        load_settings({"BRIDGE_EXTRACT_CONCURRENCY": "0"})
    with pytest.raises(ValueError, match="BRIDGE_EXTRACT_CONCURRENCY"):
        runner.set_extract_concurrency(0)
