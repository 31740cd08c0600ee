"""Special categories (GDPR art. 9 and 10): terms of health, trade-union membership, religion,
sexual orientation, criminal records ... in EN/SV/DE; an absence code alone is none, and
neither is a term about no one; the policy counts one only about an identifiable third party."""

from __future__ import annotations

import pytest

from bridge.platform import Requester, Ticket
from bridge.policy import decide
from bridge.rules import Rules
from bridge.scanner import Scanner
from bridge.findings import TextPart
from tests.support.scanning import assert_found, found_of

ENTITY = "SPECIAL_CATEGORY"

# (language, text, expected): a value that must count, "!value" one that must not,
# {values} exactly these, None nothing of this type
CASES: list[tuple[str, str, str | set[str] | None]] = [
    # health: illnesses, diagnoses, pregnancy, the reason for sick leave
    ("en", "She is on sick leave for cancer treatment.", "cancer"),
    ("en", "He was diagnosed with diabetes last year.", {"diagnosed with", "diabetes"}),
    ("en", "Jo is pregnant and starts maternity leave in May.", "pregnant"),
    ("sv", "Hon är sjukskriven för utmattningssyndrom.", "utmattningssyndrom"),
    ("sv", "Hans fru är gravid och han tar ut föräldraledighet.", "gravid"),
    ("de", "Er ist wegen einer Krebserkrankung krankgeschrieben.", "Krebserkrankung"),
    ("de", "Sie ist schwanger und geht bald in Mutterschutz.", "schwanger"),
    # trade union, religion, orientation, criminal records
    ("en", "He is a union rep and needs time off for union duties.", "union rep"),
    ("sv", "Hon är fackombud och behöver ledigt.", "fackombud"),
    ("de", "Er ist Gewerkschaftsmitglied.", "Gewerkschaftsmitglied"),
    ("en", "He is Muslim and asked for prayer breaks.", "Muslim"),
    ("de", "Er ist schwul und möchte nicht mit X arbeiten.", "schwul"),
    ("en", "The new hire has a criminal record.", "criminal record"),
    # the offence is named with a conviction word: both count
    ("sv", "Han är dömd för bedrägeri enligt belastningsregistret.", {"dömd", "bedrägeri"}),
    ("de", "Der Mitarbeiter ist vorbestraft.", "vorbestraft"),
    # a criminal-record entry in inflected and qualified forms, an offence by name
    ("de", "Wegen eines Eintrags im erweiterten Führungszeugnis darf er dort nicht arbeiten.",
     "Eintrags im erweiterten Führungszeugnis"),
    ("de", "Die Auflage betrifft eine Verurteilung wegen Körperverletzung.", {"Verurteilung wegen", "Körperverletzung"}),
    ("de", "Bitte laden Sie das Führungszeugnis als Dokumenttyp hoch.", None),  # the document, about no one
    ("sv", "Han har en dom för misshandel enligt registret.", {"misshandel"}),
    # a diagnosis in a compound ("Migräneattacke", "migränanfall")
    ("de", "Sie hat sich wegen einer Migräneattacke abgemeldet.", "Migräneattacke"),
    ("sv", "Hon gick hem med ett migränanfall.", "migränanfall"),
    ("en", "He went home early with a migraine.", "migraine"),
    # indirect phrasing: the reason of an absence, a union role
    ("en", "He's been off with a slipped disc since Monday.", "slipped disc"),
    ("en", "The GP has signed him off for three more weeks.", "signed him off"),
    ("sv", "Hon är sjukskriven för utmattning sedan oktober.", "sjukskriven för"),
    ("sv", "Han har facklig tid varannan torsdag.", "facklig tid"),
    ("de", "Sie ist IG-Metall-Vertrauensfrau und wird freigestellt.", "Vertrauensfrau"),
    ("de", "Er hat einen Bandscheibenvorfall und ist krankgeschrieben.", "Bandscheibenvorfall"),
    ("en", "His vetting update showed a caution for assault.", {"a caution for", "assault"}),
    ("en", "We finished off with a review of the rota.", None),
    # an absence code alone is no special category
    ("en", "The schedule shows sick for Monday.", None),
    ("sv", "Frånvarokoden sjuk saknas i listan.", None),
    ("de", "Im Dienstplan steht krank für Montag.", None),
    # IT words that look alike
    ("en", "The UNION query on the staff table fails.", None),
    ("en", "Her account was disabled after the update came out.", None),
    ("en", "The file was converted to PDF on the server.", None),
    ("de", "Er sucht die Datei seit gestern.", None),
    ("sv", "Exporten är beroende av servern.", None),
    # wards and sites of care customers name no one's health
    ("de", "Das Terminal im Krankenhaus Nord ist offline.", None),
    ("sv", "Schemat för psykiatrin visar fel pass.", None),
    ("en", "The FreeBSD jail on the build host is down.", None),
    ("de", "Die Wartung erfolgt ohne Behinderung des Betriebs.", None),
    # about no one: an awareness campaign, a training, a policy
    ("en", "We run a cancer awareness campaign next week.", None),
    ("sv", "Vi har utbildning om psykisk ohälsa i maj.", None),
    ("de", "Die Schulung zu Depression findet im Mai statt.", None),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_found_or_not(scanner: Scanner, rules: Rules, language: str, text: str, expected: str | set[str] | None) -> None:
    assert_found(found_of(scanner, rules, text, language, ENTITY), expected)


REQUESTER = Requester(name="Helen Marsh", email="helen.marsh@example.co.uk")

DECISIONS = [
    # named third party: a violation on its own terms (a name alone is none)
    ("en", "Please disable Oliver Pratt's account, he is on sick leave for cancer treatment.", "delete"),
    # a first name and a person code identify someone too
    ("sv", "Karin (klocknummer 7114) är sjukskriven för utmattningssyndrom, stäng av kontot.", "delete"),
    ("de", "Der Mitarbeiter mit Personalnummer 40817 ist vorbestraft.", "delete"),
    # a criminal-record entry about a named employee, in an inflected form
    ("de", "Herr Jonas Albrecht darf wegen eines Eintrags im erweiterten Führungszeugnis nicht mehr eingeplant werden.",
     "delete"),
    # about no one identifiable
    ("en", "One of our agents is pregnant: how do we set up maternity leave?", "none"),
    ("sv", "En medarbetare är gravid, hur lägger vi in föräldraledighet?", "none"),
    # the absence type alone next to a name
    ("en", "The schedule shows sick for Oliver Pratt on Monday, but he worked.", "none"),
    ("de", "Im Dienstplan steht krank für Jan Müller am Montag.", "none"),
    # the term is about the person named beside it, not about one named elsewhere in the ticket
    ("en", "Kai Brandt asked about the report.\n\n" + "The export runs nightly and the report is built from it. " * 4
     + "\n\nGeneral question: can we hide conviction details from the notes field?", "none"),
    ("en", "Please extend the absence for Kai Brandt (clock 11873), he's been off with a slipped disc.", "delete"),
    # one paragraph about one named person, the term further on than a sentence: a person decides
    ("en", "We have a new starter in the warehouse team, Nora Quill, who joins the late shift from Monday and "
     "will work four days a week instead of five. Her manager agreed that with the team last week. "
     "Can you add a leave type so she can take time off for her chemotherapy sessions?", "review"),
    # a term said of someone unnamed is about no one, whoever the form names in the field above
    ("en", "Requester: Nora Quill\nSwap with: Kai Brandt\nComment: One of our agents is pregnant: how do we set up "
     "maternity leave?", "none"),
    ("de", "Tausch mit: Jan Müller\nBemerkung: Eine Mitarbeiterin ist schwanger, wie legen wir das an?", "none"),
    # ... unless that sentence names the person
    ("en", "Comment: a colleague, Kai Brandt, is off for chemo sessions until May.", "delete"),
    # the statutory companion at a hearing is no one's membership
    ("en", "Invite Nora Quill to the meeting; she may be accompanied by a work colleague or trade union "
     "representative.", "none"),
    # the requester about themselves
    ("en", "I am pregnant and need maternity leave set up from May. Helen Marsh", "none"),
]


@pytest.mark.parametrize("language, body, action", DECISIONS, ids=[f"{c[0]}-{i}" for i, c in enumerate(DECISIONS)])
def test_the_policy_counts_it_about_an_identifiable_third_party(
    scanner: Scanner, rules: Rules, language: str, body: str, action: str
) -> None:
    ticket = Ticket(id="1", platform="test", subject="Account", body=body, requester=REQUESTER)
    decision = decide(scanner.scan([TextPart("body", body)], language), ticket, rules, [])
    assert decision.action == action, decision.reasons
