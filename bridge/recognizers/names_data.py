"""First names from the name dictionary shipped by the ``gender-guesser`` package.

The dictionary (Jörg Michael's ``nam_dict.txt``, ~45,000 first names with a frequency
per country for 55 countries) is independent of the generator of our test corpora, so
measuring with it says something about real tickets. It is read once per process.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

COUNTRIES = (
    "great_britain ireland usa italy malta portugal spain france belgium luxembourg the_netherlands "
    "east_frisia germany austria swiss iceland denmark norway sweden finland estonia latvia lithuania "
    "poland czech_republic slovakia hungary romania bulgaria bosniaand croatia kosovo macedonia "
    "montenegro serbia slovenia albania greece russia belarus moldova ukraine armenia azerbaijan "
    "georgia the_stans turkey arabia israel china india japan korea vietnam other_countries"
).split()


def _frequency(ch: str) -> int:
    if ch == " ":
        return 0
    try:
        return int(ch, 16)
    except ValueError:
        return 1


@lru_cache(maxsize=1)
def _table() -> dict[str, list[int]]:
    """name -> highest frequency per country (index as COUNTRIES)."""
    path = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    table: dict[str, list[int]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if not line or line[0] in "#=":
                continue
            name = line[3:29].strip()
            values = line[30 : 30 + len(COUNTRIES)]
            freqs = [_frequency(ch) for ch in values.ljust(len(COUNTRIES))]
            variants = {name.replace("+", sep) for sep in ("", " ", "-")} if "+" in name else {name}
            for variant in variants:
                row = table.setdefault(variant, [0] * len(COUNTRIES))
                for i, f in enumerate(freqs):
                    if f > row[i]:
                        row[i] = f
    return table


@lru_cache(maxsize=8)
def first_names(countries: tuple[str, ...] | None, min_frequency: int) -> frozenset[str]:
    """Case-folded first names with at least ``min_frequency`` in one of ``countries`` (None: any)."""
    unknown = [c for c in countries or () if c not in COUNTRIES]
    if unknown:
        raise ValueError(f"unknown name-list countries {unknown}; known: {', '.join(COUNTRIES)}")
    indexes = [COUNTRIES.index(c) for c in countries] if countries else range(len(COUNTRIES))
    return frozenset(
        name.casefold() for name, row in _table().items() if " " not in name and any(row[i] >= min_frequency for i in indexes)
    )
