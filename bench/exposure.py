"""Exposure window: webhook arrival -> decision, -> email to the requester, -> permanent deletion;
and for comments added later (issue 17): comment webhook -> confirmed redaction -> email.

    python3 bench/exposure.py [--n 200] [--shots 30] [--rate 2] [--shot-rate 0.5] [--burst 50]
                              [--comments 100] [--comment-rate 2]
                              [--job-polls 1] [--job-poll-seconds 1.0]

The comment case: a clean ticket exists; its requester adds a public comment with a
colleague's name and phone number, and the fake sends the "comment added" trigger's webhook.
"redacted" is when the bridge recorded the redaction as confirmed (audit step ``redacted``:
the comment redacted through Zendesk's comment redaction API, fetched again, nothing counted
left); "email" when the redaction notice reached the SMTP sink.

A real ``gdpr-bridge serve`` process (one worker thread, enforce mode, SQLite queue),
the fake Zendesk (real HTTP on 127.0.0.1) and a real SMTP sink. Each ticket is a
violation (a colleague's name and phone number), so each one is emailed about and
deleted. Webhooks are sent open-loop at a modest rate so the figures are the pipeline's,
not the queue's; ``--burst`` then sends that many text tickets at once.

Timestamps: "sent" just before the signed webhook is POSTed; "decided" from the audit
(``decisions.decided_at``); "email" when the SMTP sink has the message; "deleted" when
the fake platform has purged the ticket (watcher thread, 5 ms resolution).

The fake completes a permanent-deletion job on the poll after ``--job-polls`` "queued"
answers; the adapter polls at once, then after ``ZENDESK_JOB_POLL_SECONDS`` (default 0.25 s,
doubling). That poll pause is part of the window on a real Zendesk too, but how many polls
a real job needs is Zendesk's business: compare "email" (the bridge's own work) with
"deleted". Not a test.
"""

from __future__ import annotations

import argparse
import io
import random
import re
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

import phonenumbers
from ocr_speed import screenshot
from adapters.zendesk.config import ZendeskSettings
from bridge.settings import load_settings
from tests.fakes.zendesk_server import FakeZendesk
from tests.support.bridge_process import BridgeProcess
from tests.support.smtp import SmtpSink

SECRET = "bench-exposure-secret"


LANGS = ("en", "sv", "de")
REQUESTERS = {
    "en": {"name": "Hannah Whitfield", "email": "hannah.whitfield@customer.example", "locale": "en-GB"},
    "sv": {"name": "Karin Lindqvist", "email": "karin.lindqvist@kundbolaget.example", "locale": "sv-SE"},
    "de": {"name": "Petra Vogt", "email": "petra.vogt@kunde.example", "locale": "de-DE"},
}
COLLEAGUES = ["Oliver Pemberton", "Amelia Hughes", "Björn Sjögren", "Märta Åberg", "Jürgen Köhler", "Grete Jäger"]
REGION = {"en": "GB", "sv": "SE", "de": "DE"}
PHONES = {"en": "+44 7911 {a:03d}{b:03d}", "sv": "070-{a:03d} {c:02d} {d:02d}", "de": "0171 {a:03d}{b:04d}"}
BODIES = {
    "en": "Hello,\n\nThe rota export fails for the night shift (error E-{e}). Please call our employee {name} on "
          "{phone}, who saw it first.\n\nKind regards\nHannah",
    "sv": "Hej,\n\nExporten av schemat misslyckas (fel E-{e}). Ring vår medarbetare {name} på {phone}, "
          "hon såg felet först.\n\nMed vänliga hälsningar\nKarin",
    "de": "Hallo,\n\nDer Export des Dienstplans bricht ab (Fehler E-{e}). Bitte rufen Sie unseren Mitarbeiter "
          "{name} unter {phone} an, er hat den Fehler zuerst gesehen.\n\nViele Grüße\nPetra",
}
SHOT_BODY = {
    "en": "Hello,\n\nThe employee list shows the wrong team after the update, see the screenshot.\n\nRegards\nHannah",
    "sv": "Hej,\n\nPersonallistan visar fel avdelning efter uppdateringen, se skärmbilden.\n\nHälsningar\nKarin",
    "de": "Hallo,\n\nDie Mitarbeiterliste zeigt nach dem Update die falsche Abteilung, siehe Screenshot.\n\nGrüße\nPetra",
}


def text_body(rng: random.Random, lang: str) -> str:
    """A violation: a colleague's name and a phone number libphonenumber calls valid."""
    while True:
        phone = PHONES[lang].format(a=rng.randint(100, 999), b=rng.randint(100, 999), c=rng.randint(10, 99),
                                    d=rng.randint(10, 99))
        if phonenumbers.is_valid_number(phonenumbers.parse(phone, REGION[lang])):
            break
    return BODIES[lang].format(e=rng.randint(1000, 9999), name=rng.choice(COLLEAGUES), phone=phone)


def png(lang: str, rng: random.Random) -> bytes:
    image, _ = screenshot(lang, rng)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Watcher(threading.Thread):
    """Notes when each ticket's email arrives and when the fake purges it."""

    def __init__(self, fake: FakeZendesk, sink: SmtpSink) -> None:
        super().__init__(daemon=True)
        self.fake, self.sink = fake, sink
        self.deleted: dict[int, float] = {}
        self.mailed: dict[int, float] = {}
        self.wanted: set[int] = set()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            self._watch()
        except Exception as exc:
            print(f"watcher failed: {exc!r}", file=sys.stderr)

    def _watch(self) -> None:
        seen_del = seen_mail = 0
        while not self.stopping.is_set():
            now = time.time()
            purged = list(self.fake.permanently_deleted)
            for tid in purged[seen_del:]:
                self.deleted.setdefault(tid, now)
            seen_del = len(purged)
            messages = self.sink.messages
            for message in messages[seen_mail:]:
                try:
                    text = message.as_string()
                except Exception:
                    text = ""
                for tid in list(self.wanted - set(self.mailed)):
                    if str(tid) in text:
                        self.mailed[tid] = now
            seen_mail = len(messages)
            time.sleep(0.005)


def decided_at(data_dir: Path) -> dict[int, float]:
    with sqlite3.connect(data_dir / "bridge.db") as db:
        return {int(t): at for t, at in db.execute("SELECT ticket_id, MIN(decided_at) FROM decisions GROUP BY ticket_id")
                if "/comment/" not in t}


def redacted_at(data_dir: Path) -> dict[int, float]:
    """Ticket id -> when its comment's redaction was confirmed (audit step ``redacted``)."""
    try:
        with sqlite3.connect(data_dir / "bridge.db") as db:
            rows = db.execute("SELECT ticket_id, at FROM steps WHERE step = 'redacted'").fetchall()
    except sqlite3.Error:
        return {}
    return {int(key.split("/comment/")[0]): at for key, at in rows if "/comment/" in key}


def send_comments(fake: FakeZendesk, url: str, tickets: list[int], bodies: dict[int, str], rate: float,
                  sent: dict[int, float]) -> None:
    """One comment per ticket, open loop at ``rate`` per second, each announced by its webhook."""
    start = time.monotonic()
    for i, tid in enumerate(tickets):
        time.sleep(max(0.0, start + i / rate - time.monotonic()))
        comment_id = fake.add_comment(tid, bodies[tid])
        sent[tid] = time.time()
        response = fake.deliver_webhook(url, tid, SECRET, form="trigger", comment_id=comment_id,
                                        event_type="zen:event-type:ticket.comment_added")
        if response.status_code != 202:
            print(f"comment webhook for {tid}: HTTP {response.status_code}", file=sys.stderr)


def send(fake: FakeZendesk, url: str, tickets: list[int], rate: float | None, sent: dict[int, float]) -> None:
    """Open loop at ``rate`` per second (None: all at once, from a few threads)."""
    if rate is None:
        def one(tid: int) -> None:
            sent[tid] = time.time()
            fake.deliver_webhook(url, tid, SECRET, form="trigger")

        threads = [threading.Thread(target=one, args=(t,)) for t in tickets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return
    start = time.monotonic()
    for i, tid in enumerate(tickets):
        time.sleep(max(0.0, start + i / rate - time.monotonic()))
        sent[tid] = time.time()
        response = fake.deliver_webhook(url, tid, SECRET, form="trigger")
        if response.status_code != 202:
            print(f"webhook for {tid}: HTTP {response.status_code}", file=sys.stderr)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))]


def row(name: str, sent: dict[int, float], done: dict[int, float], ids: list[int]) -> str:
    got = [done[t] - sent[t] for t in ids if t in done]
    if not got:
        return f"{name:34} {0:>4}/{len(ids):<4}"
    return (f"{name:34} {len(got):>4}/{len(ids):<4} {statistics.median(got):>7.2f} {pct(got, 0.95):>7.2f} "
            f"{pct(got, 0.99):>7.2f} {max(got):>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="text-only tickets")
    parser.add_argument("--shots", type=int, default=30, help="tickets with one 1280x800 screenshot")
    parser.add_argument("--rate", type=float, default=2.0, help="text-only webhooks per second")
    parser.add_argument("--shot-rate", type=float, default=0.5, help="screenshot webhooks per second")
    parser.add_argument("--burst", type=int, default=50, help="text tickets sent at once at the end (0: none)")
    parser.add_argument("--comments", type=int, default=100, help="comments with a violation added to clean tickets")
    parser.add_argument("--comment-rate", type=float, default=2.0, help="comment webhooks per second")
    parser.add_argument("--api-budget", type=float, default=None,
                        help="Zendesk API requests a minute (rate_limits.zendesk in a copy of rules.yaml; default: "
                             "the shipped rules' budget, which bounds the comments a second the bridge can redact)")
    parser.add_argument("--job-polls", type=int, default=0, help="'queued' answers before the fake's job completes")
    parser.add_argument("--job-poll-seconds", type=float, default=None, help="ZENDESK_JOB_POLL_SECONDS (default: adapter's)")
    parser.add_argument("--workers", type=int, default=None, help="BRIDGE_WORKERS (default: the bridge's)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    sink = SmtpSink().start()
    fake = FakeZendesk(job_polls=("queued",) * args.job_polls).start()
    watcher = Watcher(fake, sink)
    watcher.start()
    groups: dict[str, list[int]] = {"text": [], "screenshot": [], "burst": [], "comment": []}
    comment_bodies: dict[int, str] = {}
    for i in range(args.comments):
        lang = LANGS[i % 3]
        tid = fake.add_ticket("Rota export fails", SHOT_BODY[lang].replace(", see the screenshot", "")
                              .replace(", se skärmbilden", "").replace(", siehe Screenshot", ""),
                              requester=REQUESTERS[lang])
        groups["comment"].append(tid)
        comment_bodies[tid] = text_body(rng, lang)
    for i in range(args.n):
        lang = LANGS[i % 3]
        groups["text"].append(fake.add_ticket("Rota export fails", text_body(rng, lang), requester=REQUESTERS[lang]))
    shots = [png(LANGS[i % 3], rng) for i in range(min(args.shots, 6))]  # a few distinct screenshots, reused
    for i in range(args.shots):
        lang = LANGS[i % 3]
        groups["screenshot"].append(fake.add_ticket("Employee list wrong", SHOT_BODY[lang], requester=REQUESTERS[lang],
                                                    attachments=[("screenshot.png", shots[i % len(shots)], "image/png", False)]))
    for i in range(args.burst):
        lang = LANGS[i % 3]
        groups["burst"].append(fake.add_ticket("Rota export fails", text_body(rng, lang), requester=REQUESTERS[lang]))
    watcher.wanted = {t for ids in groups.values() for t in ids}

    with tempfile.TemporaryDirectory() as tmp:
        env = {**fake.env(ZENDESK_WEBHOOK_SECRET=SECRET), "BRIDGE_MODE": "enforce", "SMTP_URL": sink.url}
        if args.workers is not None:
            env["BRIDGE_WORKERS"] = str(args.workers)
        if args.api_budget is not None:
            shipped = (ROOT / "rules.yaml").read_text(encoding="utf-8")
            budget = re.sub(r"(?m)^(  zendesk:\n    requests_per_minute:) \d+", rf"\1 {args.api_budget:g}", shipped)
            (Path(tmp) / "rules.yaml").write_text(budget, encoding="utf-8")
            env["BRIDGE_RULES"] = str(Path(tmp) / "rules.yaml")
        if args.job_poll_seconds is not None:
            env["ZENDESK_JOB_POLL_SECONDS"] = str(args.job_poll_seconds)
        bridge = BridgeProcess(Path(tmp), env).start()
        url = bridge.url + "/webhooks/zendesk"
        sent: dict[int, float] = {}
        try:
            phases = [("text", args.rate), ("screenshot", args.shot_rate), ("burst", None)]
            for group, rate in phases:
                ids = groups[group]
                if not ids:
                    continue
                send(fake, url, ids, rate, sent)
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline and not all(t in watcher.deleted for t in ids):
                    time.sleep(0.1)
            if groups["comment"]:
                send_comments(fake, url, groups["comment"], comment_bodies, args.comment_rate, sent)
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline and (
                        not all(t in watcher.mailed for t in groups["comment"])
                        or len(redacted_at(Path(tmp))) < len(groups["comment"])):
                    time.sleep(0.2)
            redacted = redacted_at(Path(tmp))
            decided = decided_at(Path(tmp))
        finally:
            bridge.stop()
            watcher.stopping.set()
            fake.stop()
            sink.stop()

    poll = args.job_poll_seconds if args.job_poll_seconds is not None else ZendeskSettings.job_poll
    workers = args.workers if args.workers is not None else load_settings({}).workers
    budget = f"{args.api_budget:g}/min" if args.api_budget is not None else "as rules.yaml"
    print(f"one `gdpr-bridge serve` ({workers} worker thread(s), enforce); fake job completes after "
          f"{args.job_polls} 'queued' poll(s), first poll pause {poll:g} s; Zendesk API budget {budget}")
    print(f"{'group / webhook sent ->':34} {'n':>9} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'max s':>7}")
    labels = {"text": f"text-only at {args.rate:g}/s", "screenshot": f"1 screenshot at {args.shot_rate:g}/s",
              "burst": f"burst of {args.burst} text at once",
              "comment": f"text comment on a clean ticket at {args.comment_rate:g}/s"}
    for group, ids in groups.items():
        if not ids:
            continue
        print(f"{labels[group]}")
        if group == "comment":
            print(row("  -> redaction confirmed (audit)", sent, redacted, ids))
            print(row("  -> email at the SMTP server", sent, watcher.mailed, ids))
            continue
        print(row("  -> decided (audit)", sent, decided, ids))
        print(row("  -> email at the SMTP server", sent, watcher.mailed, ids))
        print(row("  -> permanently deleted", sent, watcher.deleted, ids))


if __name__ == "__main__":
    main()
