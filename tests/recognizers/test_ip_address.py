"""IP addresses: only a person's connection or device counts.

The shipped rules: text -> what counts (score at or above the type's threshold), in
each language. Values are invented; every case is a pattern.
"""

from __future__ import annotations

import pytest

from bridge.rules import Rules
from bridge.scanner import Scanner
from tests.support.scanning import assert_found, found_of

ENTITY = "IP_ADDRESS"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # IP addresses: only a person's connection
    ("en", "She clocks in from home, IP 85.76.249.148.", "85.76.249.148"),
    ("sv", "Mobilstämplingarna kom från 81.11.204.232, hans hemanslutning.", "81.11.204.232"),
    ("de", "Sie arbeitet von zu Hause, IP 62.137.2.134.", "62.137.2.134"),
    ("en", "App server is 10.20.37.176, TimeKeeper Pro 2023.8.0.", None),
    ("de", "Das Gateway 172.18.38.54 zeigt E3706.", None),
    ("en", "Terminal firmware is 3.0.3.3.", None),  # a version shaped like an IP
    # IP addresses: only a person's connection or device; network devices are technical
    ("en", "Our core router at 10.20.0.1 drops packets. Jonas Whitfield from networking swapped it.", None),
    ("en", "The load balancer forwards to the private IP 10.0.4.12 and the health check fails.", None),
    ("en", "The broadband line at the depot goes through router 10.3.2.1.", None),
    ("en", "The customer portal (VM 172.16.4.9) answers with 502.", None),
    ("en", "The VPN gateway for staff working from home is 10.8.0.1.", None),
    ("en", "One colleague working from home gets the error, her connection is 81.2.69.160.", "81.2.69.160"),
    ("en", "Her home router's public address is 81.2.69.161.", "81.2.69.161"),
    ("en", "Anna Berg's laptop (192.168.2.91) keeps getting blocked by the firewall rule.", "192.168.2.91"),
    ("en", "She works from home.\nThe app server is 10.1.1.5.", None),
    ("sv", "Routern på lagret (192.168.4.7) tappar anslutningen varje kväll.", None),
    ("sv", "Bredbandet till butiken går via 10.9.8.7, som startar om sig själv.", None),
    ("sv", "Lastbalanseraren 10.24.8.2 ser normal ut.", None),
    ("sv", "En kollega som jobbar hemifrån får felet, hennes anslutning är 90.2.3.4.", "90.2.3.4"),
    ("de", "Der DSL-Anschluss der Filiale (Router 192.168.178.1) bricht ständig ab.", None),
    ("de", "Der Router im Lager (192.168.7.6) verliert jeden Abend die Verbindung.", None),
    ("de", "Der Loadbalancer 10.14.3.7 zeigt nichts Auffälliges.", None),
    ("de", "Eine Kollegin im Homeoffice bekommt den Fehler, ihr Anschluss ist 98.7.6.5.", "98.7.6.5"),
    ("de", "Sein Router zu Hause hat die öffentliche Adresse 213.54.1.18.", "213.54.1.18"),
    # IP: a context word before beats an ignore word after; BIOS/UEFI versions are technical
    ("en", "Jo Smith can't connect from home; her home connection shows up as 81.2.69.170 in the client.", "81.2.69.170"),
    ("en", "The address 81.2.69.171 in the client log is the proxy.", None),
    ("en", "The new laptop batch is not recognised by the docks. BIOS 9.0.21.228.", None),
    # an ignore word in an earlier part of the sentence (before a comma) is about that part
    ("en", "Jo Smith's laptop is blocked by the firewall, its IP at home is 81.2.69.173.", "81.2.69.173"),
    ("de", "Der Laptop von Jana Muster wird von der Firewall geblockt, zu Hause hat sie 192.168.2.175.", "192.168.2.175"),
    ("de", "Der Heimanschluss eines Nutzers taucht im VPN-Log als 81.2.69.174 auf.", "81.2.69.174"),
    ("en", "The VPN gateway for staff working from home is 10.8.0.2.", None),
    ("en", "Her laptop runs UEFI 2.7.10.31 and fails to boot.", None),
    ("sv", "Den nya laptopen känns inte igen. BIOS 9.0.21.229.", None),
    ("de", "Der neue Laptop wird nicht erkannt. BIOS 9.0.21.230.", None),
    ("de", "Der Laptop von Jana Muster ist zu Hause 81.2.69.172, im Client steht nichts.", "81.2.69.172"),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)
