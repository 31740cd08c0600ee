"""Hand-written mails in the layouts of common clients (Outlook, Gmail, Apple Mail,
Thunderbird) in English, Swedish and German. Every name, number and address is invented."""

OUTLOOK_EN_REPLY = """\
Hi Support,

The overtime report still shows the wrong totals for Megan Clarke since the upgrade.
Could you have a look before Friday's payroll run?

Kind regards,
Bob Whitfield
Payroll Manager | Harbour Foods Ltd
Direct: 0161 496 0734 | Main: 0161 496 0000

Harbour Foods Ltd, registered office: 4 Quay Street, Manchester M3 3JE. Company No. 08812345.

From: Megan Clarke <megan.clarke@harbourfoods.co.uk>
Sent: 02 March 2025 09:14
To: Bob Whitfield <bob.whitfield@harbourfoods.co.uk>
Cc: Payroll Team <payroll@harbourfoods.co.uk>
Subject: RE: overtime

Bob, my overtime for February is missing again.

Thanks
Megan
Warehouse Supervisor
Mob 07700 900461
"""

GMAIL_EN_FORWARD = """\
See below - this came in over the weekend.

---------- Forwarded message ---------
From: Liam O'Neill <liam.oneill@gmail.com>
Date: Sat, 1 Mar 2025 at 22:10
Subject: shift swap
To: <rota@harbourfoods.co.uk>

Hello,
can I swap my Sunday shift with Priya? My number is 07700 900512.
Liam

--
Sent from Gmail Mobile
"""

APPLE_SV_REPLY = """\
Hej!

Stämplingarna för Johan Ek saknas fortfarande i rapporten, se tabellen:

Namn | Anst.nr | Mobil
Johan Ek | 4471 | 070-123 45 67
Sara Lind | 4472 | 070-765 43 21

Med vänliga hälsningar
Kicki Andersson
Lönekontoret
Tel 08-555 123 00

Skickat från min iPhone

> 3 mars 2025 kl. 08:12 skrev Johan Ek <johan.ek@telia.com>:
>
> Hej Kicki, jag har stämplat men inget syns.
> /Johan
"""

OUTLOOK_SV_FORWARD = """\
Hej,

vidarebefordrar detta, kan ni kolla?

Mvh
Anders

Från: Eva Holm <eva.holm@bygg-nord.se>
Skickat: den 4 mars 2025 10:03
Till: Anders Berg <anders.berg@bygg-nord.se>
Kopia: Lars Nyberg <lars.nyberg@bygg-nord.se>
Ämne: Schema vecka 11

Hej Anders,
schemat för vecka 11 går inte att publicera.
Hälsningar
Eva Holm
070-222 33 44
"""

THUNDERBIRD_DE_REPLY = """\
Hallo zusammen,

seit dem Update bricht der Export ab:

2025-03-04 07:55:12 ERROR ExportJob failed for tenant 17
    at com.acme.export.ExportJob.run(ExportJob.java:118)
Caused by: java.io.IOException: timeout

Viele Grüße
Steffi Krause
Tel.: 030 1234567

Musterfirma GmbH · Hauptstraße 5 · 10115 Berlin
Geschäftsführer: Dr. Klaus Weber, Maria Braun · Amtsgericht Berlin HRB 123456
USt-IdNr.: DE123456789

Am 03.03.2025 um 16:40 schrieb Jens Vogel:
> Bitte das Log schicken.
> Gruß Jens
"""

OUTLOOK_DE_FORWARD = """\
Guten Morgen,

anbei die Nachricht von Frau Schulz, bitte prüfen.

Mit freundlichen Grüßen
Tobias Richter

-----Ursprüngliche Nachricht-----
Von: Anja Schulz <anja.schulz@web.de>
Gesendet: Montag, 3. März 2025 18:22
An: Tobias Richter <t.richter@musterfirma.de>
Betreff: Stundenzettel

Hallo Herr Richter,
mein Stundenzettel für Februar fehlt. Sie erreichen mich unter 0171 2345678.
Viele Grüße
Anja Schulz
"""

OUTLOOK_EN_ORIGINAL = """\
Please see the complaint below.

-----Original Message-----
From: Dana Fox [mailto:dana.fox@outlook.com]
Sent: Tuesday, March 4, 2025 11:02 AM
To: Service Desk
Subject: call back

I was promised a call back on 07700 900777.
"""

TAB_TABLE = "Export below\n\nName\tClock\tMobile\nAmy Reid\t1182\t07700 900123\nTom Hale\t1183\t07700 900124\n\nThanks"
SEMICOLON_TABLE = "Zeilen aus der Liste:\nName;Personalnr;Telefon\nJan Berg;5521;0171 2345670\nUte Kern;5522;0171 2345671\n"
ALIGNED_TABLE = (
    "Current rota:\n\nName          Clock   Mobile\nAmy Reid      1182    07700 900123\n"
    "Tom Hale      1183    07700 900124\n\nCheers"
)
MARKDOWN_TABLE = "| Name | Clock | Mobile |\n|------|-------|--------|\n| Amy Reid | 1182 | 07700 900123 |\n"
CSV_ATTACHMENT_TEXT = "Name | Clock | Mobile\nName: Amy Reid | Clock: 1182 | Mobile: 07700 900123\nName: Tom Hale | Clock: 1183\n"
CODE_FENCE = "The call fails:\n\n```\ncurl -u admin https://api.acme.test/v2/users\n{\"error\": \"forbidden\"}\n```\n\nAny idea?"
