"""``python -m bridge.extract.child``: the subprocess runner's child.

Reads one pickled ``Request`` from stdin (from the worker), writes the ``ExtractedAttachment``
as JSON to stdout (``bridge.extract.isolation``: the worker never unpickles what a parser
may have been made to produce). Limits are set (in ``extract_in_child``) before the bytes
are parsed.
"""

from __future__ import annotations

import pickle
import sys

from bridge.extract.isolation import confine_child, encode_result
from bridge.extract.runner import Request, extract_in_child


def main() -> int:
    confine_child()  # before a byte of the attachment is read
    request = pickle.loads(sys.stdin.buffer.read())
    if not isinstance(request, Request):
        return 2
    result = extract_in_child(request)
    sys.stdout.buffer.write(encode_result(result))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
