"""``python -m bridge.extract.child``: the subprocess runner's child.

Reads one pickled ``Request`` from stdin, writes the pickled ``ExtractedAttachment`` to
stdout. Limits are set (in ``extract_in_child``) before the bytes are parsed.
"""

from __future__ import annotations

import pickle
import sys

from bridge.extract.runner import Request, extract_in_child


def main() -> int:
    request = pickle.loads(sys.stdin.buffer.read())
    if not isinstance(request, Request):
        return 2
    result = extract_in_child(request)
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
