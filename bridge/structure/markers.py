"""Line patterns of mail clients (Outlook, Gmail, Apple Mail, Thunderbird) in English,
Swedish and German: where quoted history starts, header lines of quoted mail, greetings,
closings and legal footers. Whole-line patterns only: a word inside a sentence is no marker."""

from __future__ import annotations

import re

# a line that starts quoted history: a dashed marker, a client's attribution line ("On 3 May 2026,
# Ann Lee <a@x> wrote:", "Am 3.5.2026 um 10:12 schrieb Ann Lee:", "Ann Lee schrieb am 3.5.2026:",
# "Den 3 maj 2026 skrev Ann Lee:"), an Outlook header squashed onto one line ("From: ... Sent: ..."),
# also when the quoted lines below carry no ">"
QUOTE_START = re.compile(
    r"""^\s*(?:
      -{2,}\s*(?:Original\s+Message|Ursprüngliche\s+Nachricht|Ursprungligt\s+meddelande|Originalmeddelande|
               Forwarded\s+message|Weitergeleitete\s+Nachricht|Vidarebefordrat\s+meddelande)\s*-{2,}
    | (?:Begin\s+forwarded\s+message|Anfang\s+der\s+weitergeleiteten\s+Nachricht|Början\s+på\s+vidarebefordrat\s+meddelande)\s*:
    | (?:On|Am|Den|Le)\s.{4,200}?(?:wrote|schrieb|skrev|a\s+écrit)\s*:
    | .{4,160}?\s(?:wrote|schrieb|skrev)\s*:
    | (?:On|Am|Den)\s[^\n]{0,60}\d[^\n]{0,140}?\s(?:wrote|schrieb|skrev)\s+[^\n]{2,160}?:
    | [^\n]{2,160}?\s(?:wrote|schrieb|skrev)\s+(?:am|den|on)\s[^\n]{0,80}\d[^\n]{0,80}?:
    | (?:From|Från|Von)\s*:[^\n]{2,200}?\s(?:Sent|Skickat|Gesendet|Date|Datum)\s*:[^\n]*
    | _{8,}
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

# header lines of a quoted or forwarded mail ("From: Tom <t@x>", "Skickat: den 3 maj", "An: ...")
HEADER_LINE = re.compile(
    r"^\s*\*?(?:From|Sent|To|Cc|Bcc|Subject|Date|Reply-To|"
    r"Från|Skickat|Till|Kopia|Ämne|Datum|Svara till|"
    r"Von|Gesendet|An|Kopie|Betreff|Antwort an|CC)\*?\s*:",
    re.IGNORECASE,
)
# the first line of an Outlook header block without a dashed marker
HEADER_FROM = re.compile(r"^\s*\*?(?:From|Från|Von)\*?\s*:\s*\S", re.IGNORECASE)
HEADER_SENT = re.compile(r"^\s*\*?(?:Sent|Date|Skickat|Datum|Gesendet)\*?\s*:", re.IGNORECASE)

QUOTE_PREFIX = re.compile(r"^\s*>")

GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|dear|good\s+(?:morning|afternoon|evening)|greetings|"
    r"hej|hejsan|hallå|god\s+(?:morgon|eftermiddag|dag)|tjena|"
    r"hallo|liebe|lieber|sehr\s+geehrte[rs]?|guten\s+(?:tag|morgen|abend)|moin|servus|grüß\s+gott|"
    r"to\s+whom\s+it\s+may\s+concern)\b[^\n]{0,60}$",
    re.IGNORECASE,
)

# "Grüße", "Grüsse", "Gruesse", "Gruß", "Gruss", "Grüßen" (Swiss and ASCII spellings)
_GRUSS = r"gr(?:ü|ue|u)(?:ß|ss)(?:en?)?"
# where a greeting comes from ("Beste Grüße aus Wien", "Hälsningar från Malmö"): part of the closing, no name
_FROM_PLACE = r"(?:\s+(?:aus|vom|from|från)\s+[^\n,]{1,40})?"
# a closing that also starts sentences ("Ta bort ...", "Vänligen kontakta ...", "Take care of ..."):
# only alone on its line or followed by a name ("Take care, Ann Lee")
_ALONE = r"(?=[ \t,.!:\-–—]*(?:$|(?-i:[A-ZÄÖÜÅ][\w.'-]*(?:[ \t]+[A-ZÄÖÜÅ][\w.'-]*){0,3})[ \t]*$))"

CLOSING = re.compile(
    r"""^\s*(?:
      all\s+the\s+best | (?:thanks|thank\s+you)\s+(?:so|very)\s+much | (?:kind|warm|warmest|all\s+good)\s+wishes |
      with\s+(?:many\s+)?thanks | thx | tia | much\s+appreciated |
      (?:kind|best|warm|many|warmest|with\s+kind)?\s*regards | regards | best(?:\s+wishes)? | cheers | thanks(?:\s+(?:again|a\s+lot|in\s+advance))? |
      thank\s+you(?:\s+in\s+advance)? | many\s+thanks | sincerely | yours(?:\s+sincerely|\s+faithfully)? | br | rgds |
      go\s+raibh\s+(?:míle\s+)?maith\s+(?:agat|agaibh) | le\s+(?:gach\s+)?dea-?ghuí | is\s+mise(?:\s+le\s+meas)? | le\s+meas |
      diolch(?:\s+yn\s+fawr)? | cofion(?:\s+cynnes)? | yn\s+gywir |
      (?:ta | take\s+care | speak\s+soon | talk\s+soon | have\s+a\s+(?:good|great|nice|lovely)\s+(?:day|weekend|evening))"""
    + _ALONE
    + r""" |
      mvh | med\s+vänlig(?:a)?\s+hälsning(?:ar)? | vänlig(?:a)?\s+hälsning(?:ar)? | (?:bästa|varma|många)\s+hälsningar""" + _FROM_PLACE + r""" |
      hälsningar""" + _FROM_PLACE + r""" | hälsning | tack(?:\s+på\s+förhand|\s+så\s+mycket|\s+igen)? | (?:stort|tusen|varmt)\s+tack | allt\s+gott | kram(?:ar)? |
      (?:vänligen | ha\s+det\s+(?:bra|gott|fint) | (?:ha\s+en\s+)?trevlig\s+(?:helg|dag|kväll) | ha\s+en\s+(?:bra|fin)\s+(?:dag|helg))"""
    + _ALONE
    + r""" |
      mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en | mfg | lg | vg |
      (?:mit\s+)?(?:viele[n]?|beste[n]?|liebe[n]?|freundliche[nm]?|herzliche[nm]?|schöne[nm]?|sonnige|kollegiale[nm]?)\s+""" + _GRUSS + _FROM_PLACE + r""" |
      """ + _GRUSS + _FROM_PLACE + r""" |
      danke(?:\s+(?:schön|sehr|vielmals|im\s+voraus))? | dankeschön | merci(?:\s+vielmals)? |
      (?:vielen|besten|herzlichen|tausend|schönen|recht\s+herzlichen|vielen\s+(?:herzlichen|lieben))\s+dank(?:\s+im\s+voraus)?
    )(?![^\W\d_])\s*[,.!:\-–—]*\s*(?P<rest>[^\n]{0,60})$""",
    re.IGNORECASE | re.VERBOSE,
)
SIG_SEPARATOR = re.compile(r"^(?:--|—|__)\s*$")
SENT_FROM_DEVICE = re.compile(
    r"^\s*(?:sent\s+from\s+my|skickat\s+från\s+min|von\s+meinem\s+\S+\s+gesendet|gesendet\s+von\s+meinem)\b",
    re.IGNORECASE,
)

_LEGAL_FOOTER_SOURCE = (
    r"""(?:\bImpressum\b|\bGeschäftsführ(?:er|erin|ung)\b|\bVorstand\b|\bAufsichtsrat(?:svorsitz)?|\bRegistergericht\b|
      \bAmtsgericht\b|\bHR[AB]\s*\d|\bHandelsregister\b|\bUSt[.-]?\s*Id|\bSitz\s+der\s+Gesellschaft\b|\bSitz\s*:|
      \bregistered\s+(?:office|in\s+england|in\s+scotland|in\s+(?:northern\s+)?ireland|in\s+wales|address)\b|
      \bregistered\s+(?:society|charity|company)\s+(?:no|number|reg)|\bcharity\s+(?:no|number|reg)|
      \bcompany\s+(?:no|number|reg(?:istration)?)\b|\bregisternummer\b|\bfirmenbuch(?:nummer|gericht)?\b|\bfn\s*\d{3,6}\s*[a-z]\b|
      \bche-?\d{3}\.\d{3}\.\d{3}\b|\buid(?:-nr|-nummer)?\.?\s*:?\s*(?:che|atu)|
      \bVAT\s+(?:no|number|reg)|\bdirectors?\s*:|\bOrg\.?\s*nr\b|\bOrganisationsnummer\b|\bStyrelsens\s+säte\b|
      \bSäte\s*:|\bMomsreg|\bVD\s*:|\bthis\s+e-?mail\s+(?:and\s+any|is\s+confidential|may\s+contain)|
      \bdiese\s+e-?mail\s+(?:enthält|ist\s+vertraulich)|\bdetta\s+e-?post(?:meddelande)?\s+(?:kan|är))"""
)
# matched on lower-cased text: a case-insensitive pattern of many alternatives is three times slower
_LEGAL_FOOTER = re.compile(_LEGAL_FOOTER_SOURCE.lower(), re.VERBOSE)


# "Registered in <Country>" with any country: its capital tells a register from "registered in the portal"
_REGISTERED_IN_COUNTRY = re.compile(r"\b[Rr]egistered\s+in\s+(?:the\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s*(?:[Nn]o\b|[Nn]umber\b|under\b|with\b|[,|.;:]|$)", re.MULTILINE)


def legal_footer(text: str) -> re.Match[str] | None:
    """Where ``text`` names a register, an officer or a confidentiality notice."""
    return _LEGAL_FOOTER.search(text.lower()) or _REGISTERED_IN_COUNTRY.search(text)

LOG_LINE = re.compile(
    r"""^\s*(?:
      \[?\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2} | \[?\d{2}[./-]\d{2}[./-]\d{4}\s+\d{2}:\d{2}:\d{2} | \[?\d{2}:\d{2}:\d{2}[.,]\d+ |
      \[?(?:ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL|CRITICAL|SEVERE)\]?[\s:\]] |
      at\s+[\w.$<>]+\(.*\)\s*$ | Traceback\s+\(most\s+recent\s+call\s+last\) | File\s+".+",\s+line\s+\d+ |
      (?:[A-Z]\w+\.)+[A-Z]\w*(?:Exception|Error)\b | Caused\s+by: | \$\s+\S | PS\s+[A-Z]:\\ | [A-Z]:\\[^\s]*> |
      (?:Message-ID|Call-ID|Via|CSeq|X-[\w-]+|Received|Return-Path|In-Reply-To|References|Content-Type)\s*: |
      def\s+\w+\( | class\s+\w+\s*[:({] | import\s+[\w.]+\s*;?$ | from\s+[\w.]+\s+import\s | (?:public|private|protected)\s+\w | function\s+\w+\( |
      (?:const|let|var)\s+\w+\s*= | (?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s | (?:curl|git|ssh|scp|sudo|kubectl|docker)\s+\S
    )""",
    re.VERBOSE,
)
CODE_FENCE = re.compile(r"^\s*```")

# the title of an invoice document, and its payment lines: the bank details on an invoice are its issuer's
INVOICE_TITLE = re.compile(
    r"^\s*(?:tax\s+invoice|invoice|credit\s+note|faktura|kreditfaktura|rechnung|gutschrift)(?:\s+(?:no\.?|nr\.?|number|nummer)?\s*[\w/.-]*\d[\w/.-]*)?(?:[ \t]{2,}\S.*)?\s*$",
    re.IGNORECASE,
)
PAYMENT_LINE = re.compile(r"\b(?:IBAN|BIC|SWIFT|Bankgiro|Plusgiro|Bankverbindung|sort\s+code)\b", re.IGNORECASE)
