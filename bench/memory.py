"""Worker memory and start-up: RSS when ready, after warm-up and after 1,000 tickets; time to ready.

    python3 bench/memory.py [--n 1000] [--shot-every 20] [--corpus DIR]

A real ``gdpr-bridge serve`` process (web app + its worker threads, monitor mode, SQLite
queue) against the fake Zendesk. Tickets are the corpus's subjects and bodies, cycled
(requesters without locale, so lingua runs on all three languages); every
``--shot-every``-th one carries a 1280x800 screenshot, so extraction children and OCR run.
Reads VmRSS/VmHWM from /proc/<pid>/status of the bridge process, and samples the RSS of
the whole process tree (the bridge + its extraction child + Tesseract) every 50 ms.

Start-up: ``gdpr-bridge worker`` and ``gdpr-bridge serve`` launched 3 times each; time
from exec to "worker ready" in the log (serve: and /healthz answering). Not a test.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bridge.settings import load_settings
from ocr_speed import screenshot
from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import BridgeProcess

SECRET = "bench-memory-secret"


def status_kb(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":")
            out[key] = int(value.split()[0])
    return out


def tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += status_kb(p).get("VmRSS", 0)
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


class TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopping = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.peak = max(self.peak, tree_rss_kb(self.pid))
            time.sleep(0.05)


def decisions(data_dir: Path) -> int:
    try:
        with sqlite3.connect(data_dir / "bridge.db") as db:
            return int(db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def corpus_texts(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (path / "tickets.jsonl").read_text().splitlines() if line.strip()]
    return [(r.get("subject") or "", r.get("body") or "") for r in rows]


def startup_seconds(command: str, env: dict[str, str], runs: int = 3) -> list[float]:
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            bridge = BridgeProcess(Path(tmp), env, command=(command,))
            began = time.monotonic()
            bridge.start(timeout=60)
            out.append(time.monotonic() - began)
            bridge.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--warm", type=int, default=50)
    parser.add_argument("--shot-every", type=int, default=20, help="every Nth ticket has a screenshot (0: none)")
    parser.add_argument("--corpus", default="/work/shared/corpus")
    parser.add_argument("--workers", type=int, default=None, help="BRIDGE_WORKERS (default: the bridge's)")
    args = parser.parse_args()
    rng = random.Random(5)
    texts = corpus_texts(Path(args.corpus))
    shots = []
    for lang in ("en", "sv", "de"):
        image, _ = screenshot(lang, rng)
        buf = io.BytesIO()
        image.save(buf, "PNG")
        shots.append(buf.getvalue())

    fake = FakeZendesk().start()
    total = args.warm + args.n
    ids = []
    for i in range(total):
        subject, body = texts[i % len(texts)]
        attachments = []
        if args.shot_every and i % args.shot_every == args.shot_every - 1:
            attachments = [("screenshot.png", shots[i % 3], "image/png", False)]
        ids.append(fake.add_ticket(subject, body, requester={"name": "Customer", "email": "c@customer.example"},
                                   attachments=attachments))
    env = {**fake.env(ZENDESK_WEBHOOK_SECRET=SECRET), "BRIDGE_MODE": "monitor"}
    if args.workers is not None:
        env["BRIDGE_WORKERS"] = str(args.workers)
    workers = args.workers if args.workers is not None else load_settings({}).workers

    rows: list[tuple[str, int, int, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        bridge = BridgeProcess(data_dir, env).start()
        assert bridge.proc is not None
        pid = bridge.proc.pid
        sampler = TreeSampler(pid)
        sampler.start()

        def snap(label: str) -> None:
            s = status_kb(pid)
            rows.append((label, s["VmRSS"], s["VmHWM"], decisions(data_dir)))

        def feed(batch: list[int], expect: int) -> float:
            began = time.monotonic()
            for tid in batch:
                fake.deliver_webhook(bridge.url + "/webhooks/zendesk", tid, SECRET, form="trigger")
            while decisions(data_dir) < expect:
                time.sleep(0.1)
            return time.monotonic() - began

        try:
            snap("ready")
            feed(ids[: args.warm], args.warm)
            snap(f"after warm-up ({args.warm} tickets)")
            step = max(1, args.n // 4)
            done = args.warm
            elapsed = 0.0
            for start in range(args.warm, total, step):
                batch = ids[start : start + step]
                done += len(batch)
                elapsed += feed(batch, done)
                snap(f"after {done - args.warm} more")
        finally:
            bridge.stop()
            sampler.stopping.set()
    fake.stop()

    print(f"`gdpr-bridge serve` (web + {workers} worker thread(s), monitor), {args.n} tickets after {args.warm} warm-up; "
          f"every {args.shot_every}th with a 1280x800 screenshot (OCR)")
    print(f"{'moment':30} {'VmRSS MB':>9} {'VmHWM MB':>9} {'decided':>8}")
    for label, rss, hwm, n in rows:
        print(f"{label:30} {rss / 1024:>9.1f} {hwm / 1024:>9.1f} {n:>8}")
    warm_rss = rows[1][1]
    print(f"growth from warm-up to the end: {(rows[-1][1] - warm_rss) / 1024:+.1f} MB; "
          f"peak of the process tree (bridge + extraction child + tesseract): {sampler.peak / 1024:.1f} MB; "
          f"{args.n} tickets in {elapsed:.1f} s")

    base_env = {**env}
    print(f"\n{'start-up to ready':30} {'runs':>5} {'median s':>9} {'max s':>7}")
    for command in ("worker", "serve"):
        times = startup_seconds(command, base_env)
        print(f"{'gdpr-bridge ' + command:30} {len(times):>5} {statistics.median(times):>9.2f} {max(times):>7.2f}")


if __name__ == "__main__":
    main()
