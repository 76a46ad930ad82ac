"""The instruments this installation offers, with the texts and cut-off variants it configures.

Two optional settings (read here, defaults when absent):

    HELHET_INSTRUMENT_TEXTS = {"audit": "/etc/helhet/audit-sv.json"}
        a unit's licensed texts file per instrument (format "helhet-instrument-texts/1"), read
        through the validating loader: a file that does not fit the bundled instrument stops
        the page with the loader's message rather than showing the wrong words;
    HELHET_CUTOFF_VARIANTS = {"audit": {"audit_c_positive": "bradley_2007"}}
        another table for some cut-offs (README.md beside the instrument files lists them).
"""

import functools

from django.conf import settings

from .instruments import BUNDLED, Instrument, bundled_instrument, load_unit_texts


def codes() -> tuple[str, ...]:
    return BUNDLED


def instrument(code: str) -> Instrument:
    """The instrument CODE with the configured texts; LookupError for an unknown code."""
    if code not in BUNDLED:
        raise LookupError(code)
    path = getattr(settings, "HELHET_INSTRUMENT_TEXTS", {}).get(code)
    return _with_texts(code, str(path)) if path else bundled_instrument(code)


def instruments() -> tuple[Instrument, ...]:
    return tuple(instrument(code) for code in BUNDLED)


def variants(code: str) -> dict[str, str]:
    """The configured cut-off variants of instrument CODE (cut-off code -> variant code)."""
    return dict(getattr(settings, "HELHET_CUTOFF_VARIANTS", {}).get(code, {}))


@functools.cache
def _with_texts(code: str, path: str) -> Instrument:
    return load_unit_texts(path, base=bundled_instrument(code))
