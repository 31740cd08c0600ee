"""The extraction child cannot reach the worker's secrets, and its answer is data, not code."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bridge.extract.isolation import decode_result, encode_result
from bridge.extract.runner import start_child
from bridge.findings import ExtractedAttachment, TextPart


def test_a_child_cannot_read_the_workers_environment() -> None:
    # a plain child of this process can (same user, or root's capabilities) ...
    plain = subprocess.run([sys.executable, "-c", f"print(len(open('/proc/{os.getpid()}/environ', 'rb').read()))"],
                           capture_output=True, text=True)
    assert plain.returncode == 0 and int(plain.stdout) > 0, plain.stderr
    # ... an extraction child, started as the bridge starts one, cannot
    child = start_child([sys.executable, "-m", "tests.support.environ_probe"])
    output, _ = child.communicate(b"", timeout=60)
    outcome = json.loads(output)
    assert outcome == {"read": False, "error": "PermissionError"}


def test_the_childs_answer_is_json_checked_field_by_field() -> None:
    result = ExtractedAttachment("a.txt", "text", [TextPart("attachment:a.txt", "caf\u00e9 \udcff", "page 1")], None)
    assert decode_result("a.txt", encode_result(result)) == result
    import pickle

    # a pickle (what a compromised parser might emit to run code in the worker) is not an answer
    assert decode_result("a.txt", pickle.dumps(result)) is None
    for bad in (b'{"kind": "text", "parts": [{"place": 1, "text": "x"}]}', b'{"kind": "text", "parts": {}}',
                b'[]', b'{"kind": "text", "parts": [], "problem": {"x": 1}}', b"[" * 100_000):
        assert decode_result("a.txt", bad) is None
