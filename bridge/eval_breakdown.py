"""Finding-level figures of an eval run: confusion by part and by holder, the reliability
of calibrated scores, and calibration points per entity type.

A finding that reached its threshold is *right* when it matches a label (a third party's
datum). Per part (own text, signature, quoted, table, attachment ...): counted and right,
counted but wrong (nobody's personal data, or not a third party's), right but not counted
(judged the requester's, the organisation's or a system's, or weak), and labels never found.
Per holder: how many findings each holder got and how many of those were labelled a third
party's (for holders other than third_party: ownership mistakes).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from bridge.findings import Finding
from bridge.platform import Ticket
from bridge.structure import read_structure

BINS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
ATTACHMENT = "attachment"


def group_of(place: str, part: str) -> str:
    return ATTACHMENT if place.startswith("attachment:") else (part or "own_text")


def label_part(label: dict[str, str], ticket: Ticket) -> str:
    where = label["where"]
    if where.startswith("attachment:"):
        return ATTACHMENT
    if where == "subject":
        return "subject"
    index = (ticket.body or "").find(label["text"])
    return read_structure(ticket.body or "").part_at(index) if index >= 0 else "own_text"


@dataclass
class PartCounts:
    counted_right: int = 0
    counted_wrong: int = 0
    right_not_counted: int = 0
    not_found: int = 0

    def figures(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Breakdown:
    parts: dict[str, PartCounts] = field(default_factory=lambda: defaultdict(PartCounts))
    holders: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # findings, labelled
    reliability: list[tuple[float, bool]] = field(default_factory=list)  # counted: (confidence, right)
    raw: dict[str, list[tuple[float, bool]]] = field(default_factory=lambda: defaultdict(list))  # third party's: (score, right)

    def add(self, ticket: Ticket, findings: list[Finding], labels: list[dict[str, str]],
            matches: Callable[[Finding, dict[str, str], Ticket], bool]) -> None:
        judged = [f for f in findings if f.holder]
        found_labels = set()
        seen: set[tuple[str, str, int, int]] = set()
        for f in judged:
            key = (f.entity_type, f.place, f.start, f.end)
            if key in seen:
                continue
            seen.add(key)
            hits = [i for i, label in enumerate(labels) if matches(f, label, ticket)]
            found_labels.update(hits)
            right = bool(hits)
            counts = self.parts[group_of(f.place, f.part)]
            if not f.excluded:
                counts.counted_right += right
                counts.counted_wrong += not right
                if f.confidence is not None:
                    self.reliability.append((f.confidence, right))
            elif right:
                counts.right_not_counted += 1
            self.holders[f.holder][0] += 1
            self.holders[f.holder][1] += right
            if f.holder == "third_party":
                self.raw[f.entity_type].append((f.score, right))
        for i, label in enumerate(labels):
            if i not in found_labels and not any(matches(f, label, ticket) for f in findings):
                self.parts[label_part(label, ticket)].not_found += 1

    def reliability_table(self) -> list[dict[str, Any]]:
        rows = []
        for lo, hi in zip(BINS, BINS[1:]):
            inside = [right for score, right in self.reliability if lo <= score < hi]
            if inside:
                rows.append({"from": lo, "to": min(hi, 1.0), "findings": len(inside),
                             "right": round(sum(inside) / len(inside), 4)})
        return rows

    def calibration(self) -> dict[str, list[list[float]]]:
        """Per type, [raw score, fraction right] points, made monotone (pool adjacent violators)."""
        out: dict[str, list[list[float]]] = {}
        for kind, pairs in sorted(self.raw.items()):
            tied: dict[float, list[float]] = {}  # equal scores pooled first: one point per raw score
            for score, right in pairs:
                entry = tied.setdefault(score, [0.0, 0.0, 0.0])
                entry[0] += score
                entry[1] += float(right)
                entry[2] += 1.0
            blocks: list[list[float]] = []  # [sum score, sum right, n]
            for score in sorted(tied):
                blocks.append(tied[score])
                while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] > blocks[-1][1] / blocks[-1][2]:
                    last = blocks.pop()
                    blocks[-1] = [a + b for a, b in zip(blocks[-1], last)]
            out[kind] = [[round(s / n, 3), round(r / n, 3)] for s, r, n in blocks]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "by_part": {k: v.figures() for k, v in sorted(self.parts.items())},
            "by_holder": {k: {"findings": v[0], "labelled_third_party": v[1]} for k, v in sorted(self.holders.items())},
            "reliability": self.reliability_table(),
        }


def format_breakdown(data: dict[str, Any]) -> list[str]:
    lines = ["", f"{'by part':16}{'counted+right':>15}{'counted+wrong':>15}{'right, not counted':>20}{'not found':>11}"]
    for part, c in data["by_part"].items():
        lines.append(f"{part:16}{c['counted_right']:>15}{c['counted_wrong']:>15}{c['right_not_counted']:>20}{c['not_found']:>11}")
    lines += ["", f"{'by holder':16}{'findings':>10}{'labelled a third party':>24}"]
    for holder, h in data["by_holder"].items():
        lines.append(f"{holder:16}{h['findings']:>10}{h['labelled_third_party']:>24}")
    lines += ["", "reliability (counted findings: calibrated score -> fraction right)"]
    for row in data["reliability"]:
        lines.append(f"  {row['from']:.1f}-{row['to']:.1f}  {row['findings']:>6} findings  {row['right'] * 100:6.1f}% right")
    return lines
