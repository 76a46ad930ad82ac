"""Swedish identity numbers: personnummer, samordningsnummer and reservnummer.

All three are stored normalised in twelve characters, YYYYMMDD followed by four more:
- personnummer: YYYYMMDD + three-digit birth number + Luhn check digit (over the ten-digit form);
- samordningsnummer: as a personnummer, with 60 added to the day;
- reservnummer: a number given locally while the real one is unknown. Formats differ between
  regions; Helhet accepts a birth date followed by four characters of which at least one is a
  letter (for example 19850312R123), so a reservnummer can never be mistaken for a personnummer.

The ten-digit form (YYMMDD-NNNC) uses "+" instead of "-" once the person has turned 100, so the
century is read from the separator and the date the number is read on.

A number is made of ASCII only: digits of other scripts (full-width, Arabic-Indic, …) and
other dashes are read as the ASCII ones (`to_ascii`), so one person has one number however it
was typed; a letter outside A–Z is refused (no "ß" read as "SS").
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helhet.core.limits import EARLIEST_DATE


class IdentityKind(StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    RESERVNUMMER = "reservnummer"


class LegalSex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IdentityNumber:
    """A validated identity number in its normalised twelve-character form."""

    value: str
    kind: IdentityKind
    birth_date: datetime.date
    legal_sex: LegalSex

    def __str__(self) -> str:
        return f"{self.value[:8]}-{self.value[8:]}"


_LONG = re.compile(r"^([0-9]{8})[-+]?([0-9A-Z]{4})$")
_SHORT = re.compile(r"^([0-9]{6})([-+]?)([0-9]{4})$")


def to_ascii(text: str) -> str:
    """TEXT with every decimal digit of any script as its ASCII digit, every dash as "-", the
    full-width plus as "+" and white space removed; other characters as they are."""
    chars = []
    for char in text:
        if char.isspace():
            continue
        if char.isdecimal():
            chars.append(str(unicodedata.decimal(char)))
        elif unicodedata.category(char) == "Pd":
            chars.append("-")
        elif char == "\uff0b":  # full-width plus
            chars.append("+")
        else:
            chars.append(char)
    return "".join(chars)


def luhn_check_digit(nine_digits: str) -> int:
    """The Luhn (modulus 10) check digit over the nine digits YYMMDDNNN."""
    total = 0
    for position, char in enumerate(nine_digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def parse(raw: str, *, today: datetime.date | None = None) -> IdentityNumber:
    """Validate RAW in any common written form; raise ValidationError with a clear message."""
    today = today or datetime.date.today()
    text = to_ascii(raw or "")
    if not text:
        raise ValidationError(_("Enter an identity number."), code="required")
    if not text.isascii():
        raise ValidationError(
            _("Write the identity number with the digits 0-9 and the letters A-Z only."),
            code="not_ascii",
        )
    text = text.upper()
    if match := _LONG.match(text):
        digits, tail = match.groups()
        if "-" not in text and "+" in text:
            raise ValidationError(
                _("Use the + separator only in the ten-digit form."), code="plus_in_long_form"
            )
    elif match := _SHORT.match(text):
        short, separator, tail = match.groups()
        digits = _with_century(short, centenarian=separator == "+", today=today)
    else:
        raise ValidationError(
            _("Enter the identity number as YYYYMMDD-NNNN or YYMMDD-NNNN."), code="format"
        )
    if not tail.isdigit():
        return _reservnummer(digits, tail, today=today)
    return _checked_number(digits, tail, today=today)


def _with_century(short: str, *, centenarian: bool, today: datetime.date) -> str:
    """The latest year ending in YY whose YYMMDD is not after TODAY; 100 years earlier for +."""
    month, day = int(short[2:4]), int(short[4:6]) % 60 or 60
    full_year = today.year // 100 * 100 + int(short[:2])
    if (full_year, month, day) > (today.year, today.month, today.day):
        full_year -= 100
    if centenarian:
        full_year -= 100
    return f"{full_year:04d}{short[2:]}"


def _checked_number(digits: str, tail: str, *, today: datetime.date) -> IdentityNumber:
    day = int(digits[6:8])
    kind = IdentityKind.SAMORDNINGSNUMMER if day > 60 else IdentityKind.PERSONNUMMER
    birth_date = _date(digits, day_offset=60 if kind == IdentityKind.SAMORDNINGSNUMMER else 0)
    if birth_date > today:
        raise ValidationError(_("The birth date lies in the future."), code="future")
    if luhn_check_digit(digits[2:] + tail[:3]) != int(tail[3]):
        raise ValidationError(
            _("The check digit is wrong: check the number for a typing error."), code="checksum"
        )
    sex = LegalSex.MALE if int(tail[2]) % 2 else LegalSex.FEMALE
    return IdentityNumber(digits + tail, kind, birth_date, sex)


def _reservnummer(digits: str, tail: str, *, today: datetime.date) -> IdentityNumber:
    birth_date = _date(digits, day_offset=0)
    if birth_date > today:
        raise ValidationError(_("The birth date lies in the future."), code="future")
    return IdentityNumber(digits + tail, IdentityKind.RESERVNUMMER, birth_date, LegalSex.UNKNOWN)


def _date(digits: str, *, day_offset: int) -> datetime.date:
    try:
        day = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]) - day_offset)
    except ValueError:
        raise ValidationError(
            _("The identity number does not begin with a real date."), code="date"
        ) from None
    if day < EARLIEST_DATE:
        raise ValidationError(
            _("The identity number gives a birth date before %(year)s."),
            code="too_early",
            params={"year": EARLIEST_DATE.year},
        )
    return day


def make_personnummer(birth_date: datetime.date, birth_number: int, *, coordination=False) -> str:
    """The twelve-digit number for BIRTH_DATE and a three-digit birth number (demo and tests)."""
    day = birth_date.day + (60 if coordination else 0)
    digits = f"{birth_date:%Y%m}{day:02d}{birth_number:03d}"
    return digits + str(luhn_check_digit(digits[2:]))


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Completed years of age on the date ON."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def validate_identity_number(value: str) -> None:
    """Model field validator: VALUE is a number in its stored twelve-character form."""
    if parse(value).value != value:
        raise ValidationError(
            _("Store the identity number in its twelve-character form."), code="not_normalised"
        )
