"""URL path converters.

`id`: a database id. Every id fits a 64-bit integer column on both databases; a larger number
in a URL is read as the largest id (`MAX_ID`), which no row has, so the view answers "not
found" as for any missing id (a person URL's refusal is logged so) instead of handing the
database an integer it cannot hold (an OverflowError, a 500, on SQLite). Django's own `int`
is left as it is.
"""

from django.urls.converters import IntConverter

MAX_ID = 2**63 - 1  # the largest id either database holds
# A query string's id: up to 18 digits (every id below MAX_ID has at most 19).
ID_DIGITS = 18


class IdConverter(IntConverter):
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        # A number of thousands of digits is a ValueError from int(): no match, a 404.
        return min(int(value), MAX_ID)


def parse_id(value: str | None) -> int | None:
    """VALUE (a query string's or a form's id) as an id, or None when it is not one: not 1 to
    18 ASCII digits."""
    if value and len(value) <= ID_DIGITS and value.isascii() and value.isdigit():
        return int(value)
    return None
