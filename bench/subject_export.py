"""`gdpr-bridge subject export` of one person with many tickets and attachments: wall time
and peak RSS of the exporting process (targets: under 60 s, under 300 MB).

    python3 bench/subject_export.py [--tickets 200] [--attachments 100] [--big 10] [--big-mb 25]
                                    [--platform zendesk|jira|both]

The person has ``--tickets`` tickets on the fake Zendesk (or Jira), each with a reply from
an agent; ``--attachments`` of them carry a file: ``--big`` of ``--big-mb`` MB, the others
1 MB, all random bytes (nothing for deflate to squeeze), so the files together weigh more
than the RSS target. A real ``gdpr-bridge`` process runs the export over HTTP; its peak RSS
is the highest ``VmHWM`` read from ``/proc/<pid>/status`` every 20 ms (the fakes run in
a process of their own, so nothing of theirs is counted). The zip is then opened and
every file's size checked. Not a test.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.jira_server import FakeJira
from tests.fakes.zendesk_server import FakeZendesk

EMAIL = "bench.person@example.se"
MB = 1 << 20


def sizes(attachments: int, big: int, big_mb: int) -> list[int]:
    return [big_mb * MB if n < big else MB for n in range(attachments)]


def seed_zendesk(fake: FakeZendesk, tickets: int, files: list[int]) -> dict[str, str]:
    person = fake.add_user("Bench Person", EMAIL)
    agent = fake.add_user("Agent", "agent@support.example", role="agent")
    for n in range(tickets):
        attachment = [(f"file-{n}.bin", os.urandom(files[n]), "application/octet-stream", False)] if n < len(files) else []
        ticket = fake.add_ticket(f"Ticket {n}", f"Description {n} " * 20, requester_id=person, attachments=attachment)
        fake.add_comment(ticket, f"Reply {n}", author_id=agent)
    return fake.env(ZENDESK_TIMEOUT_SECONDS="30")


def seed_jira(fake: FakeJira, tickets: int, files: list[int]) -> dict[str, str]:
    person = fake.add_user("Bench Person", EMAIL)
    fake.customers[fake.service_desks["SD"]].add(person)
    agent = fake.add_user("Agent", "agent@support.example", customer=False)
    for n in range(tickets):
        attachment = [(f"file-{n}.bin", os.urandom(files[n]), "application/octet-stream")] if n < len(files) else []
        key = fake.add_issue("SD", f"Ticket {n}", f"Description {n} " * 20, reporter_id=person, attachments=attachment)
        fake.add_comment(key, f"Reply {n}", author=agent)
    return {"JIRA_URL": fake.url, "JIRA_EMAIL": fake.email, "JIRA_API_TOKEN": fake.token, "JIRA_TIMEOUT_SECONDS": "30"}


def serve(name: str, tickets: int, files: list[int], answers: Any) -> None:
    """The fake platform, seeded, in its own process until killed."""
    fake: Any = FakeZendesk() if name == "zendesk" else FakeJira()
    fake.start()
    answers.put(seed_zendesk(fake, tickets, files) if name == "zendesk" else seed_jira(fake, tickets, files))
    time.sleep(3600)


def high_water_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def export(platform_env: dict[str, str], workdir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "JIRA_", "BRIDGE_", "ZENPY_"))}
    env.update(platform_env)
    env.update({"BRIDGE_DATA_DIR": str(workdir / "data"), "PYTHONPATH": str(ROOT), "BRIDGE_LOG_FORMAT": "json"})
    out = workdir / "export.zip"
    stderr = workdir / "stderr.log"
    started = time.monotonic()
    with open(stderr, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "bridge.cli", "subject", "export", "--email", EMAIL,
                                 "--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=err)
        peak_kb = 0
        while proc.poll() is None:
            peak_kb = max(peak_kb, high_water_kb(proc.pid))
            time.sleep(0.02)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"export failed ({proc.returncode}): {stderr.read_text()[-2000:]}")
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        files = [a for t in manifest["tickets"] for a in t.get("attachments", [])]
        for entry in files:
            assert zf.getinfo(entry["file"]).file_size == entry["size"]
    return {"wall_s": wall, "peak_rss_mb": peak_kb / 1024,
            "tickets": len(manifest["tickets"]), "attachments": len(files),
            "attachment_mb": sum(a["size"] for a in files) / MB, "zip_mb": out.stat().st_size / MB}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--attachments", type=int, default=100)
    parser.add_argument("--big", type=int, default=10)
    parser.add_argument("--big-mb", type=int, default=25)
    parser.add_argument("--platform", choices=["zendesk", "jira", "both"], default="both")
    args = parser.parse_args()
    files = sizes(min(args.attachments, args.tickets), args.big, args.big_mb)
    print(f"{args.tickets} tickets, {len(files)} attachments ({sum(files) / MB:.0f} MB), targets: < 60 s, < 300 MB RSS")
    print(f"{'platform':<9} {'wall s':>7} {'peak RSS MB':>12} {'tickets':>8} {'files':>6} {'files MB':>9} {'zip MB':>7}")
    context = multiprocessing.get_context("spawn")
    for name in (["zendesk", "jira"] if args.platform == "both" else [args.platform]):
        answers = context.Queue()
        server = context.Process(target=serve, args=(name, args.tickets, files, answers), daemon=True)
        server.start()
        try:
            platform_env = answers.get(timeout=600)
            with tempfile.TemporaryDirectory() as tmp:
                r = export(platform_env, Path(tmp))
        finally:
            server.kill()
        print(f"{name:<9} {r['wall_s']:>7.1f} {r['peak_rss_mb']:>12.0f} {r['tickets']:>8} {r['attachments']:>6} "
              f"{r['attachment_mb']:>9.0f} {r['zip_mb']:>7.0f}")


if __name__ == "__main__":
    main()
