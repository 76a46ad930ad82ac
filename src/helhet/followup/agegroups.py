"""Age groups of the follow-up, by unit type, and the database expression that puts a person in
one.

Age is the age AT THE START OF THE PERIOD, in whole years from `Person.birth_date` (a person
born on 29 February turns a year older on 1 March in other years). A person who turns 18 inside
the period is counted in the group of their age on its first day, for the whole period.

- Mini-Maria (youth): 13–15, 16–17, 18–21, and "other" for anyone outside those.
- Every other unit type (adults): 18–29, then ten-year bands 30–39 … 60–69, and 70 and over;
  "other" is anyone under 18.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, Expression, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Unit

YOUTH = [(13, 15), (16, 17), (18, 21)]
ADULT = [(18, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, None)]
OTHER = "age:other"


def age_groups(unit_type: str) -> list[tuple[str, str, int, int | None]]:
    """(key, label, youngest, oldest or None) of the unit type's groups, "other" not included."""
    bands = YOUTH if unit_type == Unit.Type.MINI_MARIA else ADULT
    groups: list[tuple[str, str, int, int | None]] = []
    for low, high in bands:
        if high is None:
            groups.append((f"age:{low}-", gettext("%(low)d and over") % {"low": low}, low, None))
        else:
            groups.append((f"age:{low}-{high}", f"{low}–{high}", low, high))
    return groups


OTHER_LABEL = _("Other ages")


def born_by(day: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone at least YEARS old on DAY (29 Feb: 28 Feb)."""
    year = day.year - years
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return datetime.date(year, 2, 28)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years (used by the tests and the benchmark to check the expression)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_group_expression(
    unit_type: str, start: datetime.date, birth_date: str = "person__birth_date"
) -> Expression:
    """The group key of the person at the period's START, computed in the database: age ≥ N
    exactly when birth_date ≤ START − N years."""
    whens = []
    for key, _label, low, high in age_groups(unit_type):
        condition = {f"{birth_date}__lte": born_by(start, low)}
        if high is not None:
            condition[f"{birth_date}__gt"] = born_by(start, high + 1)
        whens.append(When(**condition, then=Value(key)))
    return Case(*whens, default=Value(OTHER), output_field=CharField())
