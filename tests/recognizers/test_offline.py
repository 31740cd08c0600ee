"""Start-up and scanning never touch the network: not tldextract's suffix list, not spaCy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import socket, sys
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from bridge.rules import load_rules
    from bridge.scanner import Scanner
    from bridge.findings import TextPart
    from bridge.recognizers.contact import OfflineEmailRecognizer

    scanner = Scanner(load_rules(sys.argv[1]))
    found = scanner.scan([TextPart("body", "Write to jane.doe84@gmail.co.uk or j@example.com")], "en")
    assert any(f.entity_type == "EMAIL_ADDRESS" and f.value == "jane.doe84@gmail.co.uk" for f in found), found
    # presidio's own email recognizer class name maps to the offline variant as well
    from bridge.recognizers.registry import class_path
    assert class_path("presidio:EmailRecognizer").endswith("OfflineEmailRecognizer")
    print("attempts", len(attempts))
    # control: the probe does see a library that goes online (tldextract's default extractor)
    import logging, tldextract
    logging.disable(logging.CRITICAL)
    tldextract.TLDExtract(cache_dir=None)("x.co.uk")
    print("control", len(attempts))
    """
)


def test_scanner_starts_and_scans_without_network(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "rules.yaml")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "attempts 0" in result.stdout
    assert "control 0" not in result.stdout, "the probe did not notice a network attempt"
    # tldextract must not even have tried to cache a downloaded list
    assert not (tmp_path / "cache" / "python-tldextract").exists()
