"""URL path converters.

`id`: a database id of 1 to 18 digits. Every id fits a 64-bit integer column on both databases,
so a longer number in a URL is "not found" (404), not an integer the database cannot hold (an
OverflowError, a 500, on SQLite). Django's own `int` is left as it is.
"""

from django.urls.converters import IntConverter

# 18 digits: below 2**63 - 1, the largest id either database holds.
ID_DIGITS = 18


class IdConverter(IntConverter):
    regex = f"[0-9]{{1,{ID_DIGITS}}}"


def parse_id(value: str | None) -> int | None:
    """VALUE (a query string's id, say) as an id, or None when it is not one: not 1 to 18 ASCII
    digits."""
    if value and len(value) <= ID_DIGITS and value.isascii() and value.isdigit():
        return int(value)
    return None
