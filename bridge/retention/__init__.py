"""Retention: tickets past the keeping period the rules give (``retention:`` in rules.yaml)
are found through the platforms' search and deleted for good, resumably (``store``), one run
at a time across hosts (``lock``), by ``runner`` (the command and the periodic task)."""
