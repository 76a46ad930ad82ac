"""ICD-10 codes as staff type them: the shape only (a letter, two digits, and after a point one
or two more digits or letters, as ICD-10-SE writes "F10.2" or "F32.1A"); which codes exist is
the classification's business, not checked here."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import MAX_DIAGNOSES

CODE = re.compile(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?")
WITHOUT_POINT = re.compile(r"([A-Z][0-9]{2})([0-9A-Z]{1,2})")
SEPARATORS = re.compile(r"[\s,;]+")


def normalised(code: str) -> str:
    """CODE in capitals, with the point put in where it was left out ("f102" -> "F10.2")."""
    code = code.strip().upper()
    matched = WITHOUT_POINT.fullmatch(code)
    return f"{matched[1]}.{matched[2]}" if matched else code


def parse_codes(text: str) -> list[str]:
    """The codes of TEXT (separated by spaces, commas or semicolons), each once, in order;
    ValidationError (on the field `diagnoses`) for a code of another shape or too many."""
    codes = [normalised(part) for part in SEPARATORS.split(text) if part]
    return check_codes(list(dict.fromkeys(codes)))


def check_codes(codes: list[str]) -> list[str]:
    """CODES when each is an ICD-10 code in the shape kept and they are few enough."""
    wrong = [code for code in codes if not CODE.fullmatch(code)]
    if wrong:
        raise ValidationError(
            {
                "diagnoses": _(
                    "%(codes)s is not an ICD-10 code: write a letter, two digits and, after a "
                    "point, one or two more (for example F10.2)."
                )
                % {"codes": ", ".join(wrong)}
            }
        )
    if len(codes) > MAX_DIAGNOSES:
        raise ValidationError(
            {"diagnoses": _("Enter at most %(max)s diagnoses.") % {"max": MAX_DIAGNOSES}}
        )
    if len(set(codes)) != len(codes):
        raise ValidationError({"diagnoses": _("Enter each diagnosis once.")})
    return codes
