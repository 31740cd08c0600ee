"""Run as an extraction child (``bridge.extract.runner.start_child``): confine itself as the
real child does, then try to read the worker's environment. Prints what it got, as JSON."""

from __future__ import annotations

import json
import os
import sys

from bridge.extract.isolation import confine_child


def main() -> int:
    confine_child()
    parent = os.getppid()
    try:
        with open(f"/proc/{parent}/environ", "rb") as handle:
            outcome = {"read": True, "bytes": len(handle.read())}
    except OSError as exc:
        outcome = {"read": False, "error": type(exc).__name__}
    sys.stdout.write(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main())
