"""Age groups by unit type and the database expression for the age at the period's start."""

import datetime

import pytest

from helhet.core.models import Unit
from helhet.followup.agegroups import age_groups, age_on, born_by

D = datetime.date


def test_groups_by_unit_type():
    assert [key for key, *_ in age_groups(Unit.Type.MINI_MARIA)] == [
        "age:13-15",
        "age:16-17",
        "age:18-21",
    ]
    adult = age_groups(Unit.Type.SOCIAL_MEDICINE)
    assert [key for key, *_ in adult] == [
        "age:18-29",
        "age:30-39",
        "age:40-49",
        "age:50-59",
        "age:60-69",
        "age:70-",
    ]
    assert adult[-1][2:] == (70, None)
    assert age_groups(Unit.Type.ACT) == adult


@pytest.mark.parametrize(
    "birth, day, age",
    [
        (D(2007, 6, 1), D(2025, 1, 1), 17),
        (D(2007, 1, 1), D(2025, 1, 1), 18),
        (D(2007, 1, 2), D(2025, 1, 1), 17),
        (D(2008, 2, 29), D(2026, 2, 28), 17),
        (D(2008, 2, 29), D(2026, 3, 1), 18),
    ],
)
def test_born_by_agrees_with_the_age(birth, day, age):
    assert age_on(birth, day) == age
    # at least AGE years old exactly when born on or before born_by(day, AGE)
    assert birth <= born_by(day, age)
    assert not birth <= born_by(day, age + 1)


def test_leap_day_in_the_database(world):
    """A person born 29 Feb 2008 is 17 on 28 Feb 2026 and 18 on 1 March, in the database too."""
    from helhet.followup.indicators import unit_report
    from helhet.followup.periods import Period

    w = world
    w.episode(w.person(birth_date=D(2008, 2, 29)), unit=w.mini, opened_on=D(2026, 1, 1))
    before = unit_report(
        w.mini, Period.custom(D(2026, 2, 28), D(2026, 2, 28)), breakdown="age", suppress=False
    )
    after = unit_report(
        w.mini, Period.custom(D(2026, 3, 1), D(2026, 3, 1)), breakdown="age", suppress=False
    )
    assert before.row("enrolled").cells["age:16-17"].value == 1
    assert after.row("enrolled").cells["age:18-21"].value == 1
