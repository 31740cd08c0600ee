"""Compare two ``gdpr-bridge eval --json`` runs ticket by ticket: verdicts, and with
``--findings`` every finding (type, place, span, score, recognizer, part, holder, counted).

    python tools/diff_verdicts.py before.json after.json [--findings]

Exit 0 when they agree, 1 with one line per differing ticket. Used to check that a change
meant to be behaviour-neutral (a speed-up) is.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _tickets(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {t["id"]: t for t in data["tickets"]}


def _findings(ticket: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(f, sort_keys=True) for f in ticket.get("findings", []))


def differences(before: Path, after: Path, findings: bool) -> list[str]:
    old, new = _tickets(before), _tickets(after)
    lines = [f"{tid}: only in {before.name}" for tid in sorted(old.keys() - new.keys())]
    lines += [f"{tid}: only in {after.name}" for tid in sorted(new.keys() - old.keys())]
    for tid in sorted(old.keys() & new.keys()):
        a, b = old[tid], new[tid]
        if a["verdict"] != b["verdict"]:
            lines.append(f"{tid}: verdict {a['verdict']} -> {b['verdict']}")
        elif findings and _findings(a) != _findings(b):
            lines.append(f"{tid}: findings differ ({len(a.get('findings', []))} -> {len(b.get('findings', []))})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--findings", action="store_true", help="also compare every finding")
    args = parser.parse_args()
    lines = differences(args.before, args.after, args.findings)
    for line in lines:
        print(line)
    print(f"{len(lines)} ticket(s) differ", file=sys.stderr)
    sys.exit(1 if lines else 0)


if __name__ == "__main__":
    main()
