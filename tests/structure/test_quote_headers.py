"""Every common client's quote header ends the writer's sign-off and starts quoted text,
also when the quoted lines carry no ">"."""

from __future__ import annotations

import pytest

from bridge.structure import quote_header_before, read_structure
from bridge.structure.parts import FORWARD_HEADER, OWN_TEXT, QUOTED, SIGNATURE


@pytest.mark.parametrize(
    "header",
    [
        "On Tue, 4 Aug 2026 at 09:12, Wendy Quill <w.quill@example.org> wrote:",
        "Am 04.08.2026 um 09:12 schrieb Jörg Pfannholz <jp1987@example.de>:",
        "Am Di., 4. Aug. 2026 um 09:12 Uhr schrieb Jörg Pfannholz:",
        "Jörg Pfannholz <jp1987@example.de> schrieb am 04.08.2026 um 09:12:",
        "Den 4 aug. 2026 kl. 09:12 skrev Stina Grönkvist <stina.g@example.se>:",
        "Stina Grönkvist <stina.g@example.se> skrev den 4 augusti 2026 09:12:",
        "-----Original Message-----",
        "Från: Stina Grönkvist <stina.g@example.se> Skickat: den 4 augusti 2026 09:12 Till: Kundservice",
        "Von: Jörg Pfannholz <jp1987@example.de> Gesendet: Dienstag, 4. August 2026 09:12 An: Support",
    ],
)
@pytest.mark.parametrize("marks", ["> ", ""])
def test_a_quote_header_under_a_sign_off_ends_it_and_starts_quoted_text(header: str, marks: str) -> None:
    text = f"Hello,\n\nplease see below.\n\nThanks\nBertil\n\n{header}\n{marks}I never got the link, send it to jp1987@example.de\n"
    structure = read_structure(text)
    assert structure.part_at(text.index("Bertil")) == SIGNATURE
    assert structure.part_at(text.index(header)) in (QUOTED, FORWARD_HEADER)
    assert structure.part_at(text.index("jp1987@example.de", text.index("send it"))) == QUOTED
    signoff = structure.signoff_at(text.index("Bertil"))
    assert signoff is not None and signoff.end <= text.index(header)
    assert quote_header_before(text, text.index("send it")) == header


def test_a_sentence_about_writing_is_no_quote_header() -> None:
    text = "Am Montag schrieb ich Ihnen bereits:\ndas Formular fehlt.\n"
    assert read_structure(text).part_at(text.index("das Formular")) == OWN_TEXT


def test_the_writers_own_lines_under_a_marked_quote_are_theirs_again() -> None:
    text = (
        "Hallo Support,\n\nsiehe unten.\n\n"
        "Am 02.02.2026 um 08:30 schrieb Edda Kranich:\n"
        "> schreib mir an edda.k@example.de\n\n"
        "--\nBertil Ostwald\nFachbereich Technik\n"
    )
    structure = read_structure(text)
    assert structure.part_at(text.index("edda.k")) == QUOTED
    assert structure.part_at(text.index("Bertil")) == SIGNATURE
    signoff = structure.signoff_at(text.index("Bertil"))
    assert signoff is not None and signoff.own
    assert structure.part_at(text.index("Hallo Support")) != SIGNATURE
