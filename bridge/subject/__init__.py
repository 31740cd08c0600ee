"""Data-subject requests by e-mail address across every configured platform (issue 16.1):
find (``search``), export for the right of access (``archive``), erase (``erasure``), and
the keyed hash that stands for the address in the audit (``keyed``).

The address is personal data: it goes to the platforms' search and nowhere else — not in
logs, errors, the audit or the export's manifest.
"""
