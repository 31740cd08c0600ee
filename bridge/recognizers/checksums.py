"""Check-digit algorithms of the identifiers we recognise. Pure functions on digit strings."""

from __future__ import annotations

from datetime import date


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def luhn_valid(number: str) -> bool:
    """Luhn (mod 10): payment cards, Swedish personnummer (last 10 digits)."""
    if not number.isdigit() or len(number) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def nhs_valid(number: str) -> bool:
    """UK NHS number: 10 digits, weights 10..2 over the first nine, mod 11."""
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(number[9])


def de_tax_id_valid(number: str) -> bool:
    """German Steuer-IdNr: 11 digits, no leading 0, digit-repetition rule, ISO 7064 MOD 11,10."""
    if len(number) != 11 or not number.isdigit() or number[0] == "0":
        return False
    head = number[:10]
    counts = [head.count(d) for d in set(head)]
    repeated = [c for c in counts if c > 1]
    # exactly one digit occurs twice or three times; all others at most once
    if len(repeated) != 1 or repeated[0] not in (2, 3):
        return False
    if repeated[0] == 3:
        digit = next(d for d in set(head) if head.count(d) == 3)
        if digit * 3 in head:  # a digit may not occur three times in a row
            return False
    product = 10
    for ch in head:
        total = (int(ch) + product) % 10
        if total == 0:
            total = 10
        product = (total * 2) % 11
    check = 11 - product
    if check == 10:
        check = 0
    return check == int(number[10])


def valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def se_personnummer_valid(text: str) -> bool:
    """Swedish personnummer / samordningsnummer, 10 or 12 digits, separator - or + allowed.

    The date part must be a real date (day + 60 for a samordningsnummer); Luhn over
    the last ten digits.
    """
    return se_personnummer_dated(text) and luhn_valid(digits_of(text)[-10:])


def se_personnummer_dated(text: str) -> bool:
    """Whether ``text`` has a personnummer's length and a real date part (its check digit aside):
    an organisation number's "month" is 20 or more."""
    number = digits_of(text)
    if len(number) == 12:
        century, number10 = int(number[:2]), number[2:]
        if century not in (18, 19, 20):
            return False
        year = century * 100 + int(number10[:2])
    elif len(number) == 10:
        number10 = number
        year = 2000 + int(number10[:2])  # the century does not matter for validity except 29 Feb
    else:
        return False
    month, day = int(number10[2:4]), int(number10[4:6])
    if day > 60:
        day -= 60
    return valid_date(year, month, day) or (len(number) == 10 and valid_date(year - 100, month, day))


# UK National Insurance number prefixes that are never issued.
_NINO_BAD_FIRST = set("DFIQUV")
_NINO_BAD_SECOND = set("DFIQUVO")
_NINO_BAD_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def uk_nino_valid(text: str) -> bool:
    compact = "".join(text.split()).upper()
    if len(compact) != 9:
        return False
    prefix, digits, suffix = compact[:2], compact[2:8], compact[8]
    if not (prefix.isalpha() and digits.isdigit() and suffix in "ABCD"):
        return False
    if prefix[0] in _NINO_BAD_FIRST or prefix[1] in _NINO_BAD_SECOND or prefix in _NINO_BAD_PREFIX:
        return False
    return True


def us_ssn_valid(text: str) -> bool:
    """Structure rules of the SSA: no 000/666/9xx area, no 00 group, no 0000 serial."""
    number = digits_of(text)
    if len(number) != 9:
        return False
    area, group, serial = number[:3], number[3:5], number[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    if len(set(number)) == 1 or number in ("123456789", "078051120", "219099999"):
        return False
    return True


_IIN_PREFIXES = ("4", "34", "37", "36", "38", "30", "35", "6011", "65", "62") + tuple(str(p) for p in range(51, 56)) + tuple(
    str(p) for p in range(2221, 2721)
)


def payment_card_valid(text: str) -> bool:
    number = digits_of(text)
    return 13 <= len(number) <= 19 and number.startswith(_IIN_PREFIXES) and luhn_valid(number)
