"""Periods: labels, slugs, preceding periods, local-time bounds, parsing and its errors."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from helhet.followup.periods import Period, PeriodForm, parse_period

D = datetime.date
TODAY = D(2026, 6, 15)


def test_constructors_labels_and_slugs():
    assert Period.year(2025) == Period(D(2025, 1, 1), D(2025, 12, 31), "year")
    assert Period.quarter(2025, 1) == Period(D(2025, 1, 1), D(2025, 3, 31), "quarter")
    assert Period.quarter(2024, 4).end == D(2024, 12, 31)
    assert Period.month(2024, 2).end == D(2024, 2, 29)
    custom = Period.custom(D(2025, 1, 5), D(2025, 2, 3))
    assert [
        p.slug for p in [Period.year(2025), Period.quarter(2025, 1), Period.month(2025, 3)]
    ] == [
        "2025",
        "2025-q1",
        "2025-03",
    ]
    assert custom.slug == "2025-01-05_2025-02-03"
    assert custom.label == "2025-01-05–2025-02-03"
    assert Period.year(2025).label == "2025"
    assert Period.quarter(2025, 1).label == "Q1 2025"
    assert Period.month(2025, 3).label == "March 2025"
    with translation.override("sv"):
        assert Period.month(2025, 3).label == "mars 2025"


def test_preceding_periods_oldest_first():
    assert Period.month(2025, 2).preceding(3) == [
        Period.month(2024, 12),
        Period.month(2025, 1),
        Period.month(2025, 2),
    ]
    assert Period.quarter(2025, 1).preceding(2) == [
        Period.quarter(2024, 4),
        Period.quarter(2025, 1),
    ]
    assert Period.year(2025).preceding(1) == [Period.year(2025)]
    # custom: 10 days, back to back
    custom = Period.custom(D(2025, 1, 11), D(2025, 1, 20))
    assert custom.preceding(3) == [
        Period.custom(D(2024, 12, 22), D(2024, 12, 31)),
        Period.custom(D(2025, 1, 1), D(2025, 1, 10)),
        custom,
    ]


def test_bounds_are_local_midnights():
    start, end = Period.month(2025, 3).bounds()  # DST starts 30 March 2025
    assert start.astimezone(datetime.UTC) == datetime.datetime(2025, 2, 28, 23, tzinfo=datetime.UTC)
    assert end.astimezone(datetime.UTC) == datetime.datetime(2025, 3, 31, 22, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "data, period",
    [
        ({}, Period.year(2025)),
        ({"kind": "year", "year": "2024"}, Period.year(2024)),
        ({"kind": "quarter", "year": "2025", "quarter": "1"}, Period.quarter(2025, 1)),
        ({"kind": "month", "year": "2025", "month": "3"}, Period.month(2025, 3)),
        (
            {"kind": "custom", "start": "2025-01-05", "end": "2025-02-03"},
            Period.custom(D(2025, 1, 5), D(2025, 2, 3)),
        ),
        ({"kind": "custom", "start": "2026-06-15", "end": "2026-06-15"}, None),
        (
            {"kind": "custom", "start": "2010-01-01", "end": "2019-12-31"},
            Period.custom(D(2010, 1, 1), D(2019, 12, 31)),
        ),
    ],
)
def test_parse_period(data, period):
    expected = period or Period.custom(TODAY, TODAY)
    assert parse_period(data, today=TODAY) == expected
    assert parse_period(expected.query(), today=TODAY) == expected


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "custom", "start": "2025-05-01", "end": "2025-01-01"}, "ends before it starts"),
        ({"kind": "custom", "start": "2025-02-30", "end": "2025-03-01"}, "valid date"),
        ({"kind": "custom", "start": "2010-01-01", "end": "2020-01-01"}, "at most 10 years"),
        ({"kind": "year", "year": "2026"}, "has not ended"),
        ({"kind": "month", "year": "2026", "month": "13"}, "valid choice"),
        ({"kind": "quarter", "year": "2025"}, "Choose this"),
        ({"kind": "year", "year": "abc"}, "whole number"),
        ({"kind": "year", "year": "99999"}, "less than or equal"),
        ({"kind": "year", "year": "1999"}, "greater than or equal"),
        ({"kind": "week", "year": "2025"}, "valid choice"),
        ({"kind": "custom", "start": "2025-01-01"}, "Choose this"),
    ],
)
def test_bad_periods_are_refused_with_a_message(data, message):
    with pytest.raises(ValidationError) as raised:
        parse_period(data, today=TODAY)
    assert any(message in text for text in raised.value.messages), raised.value.messages
    form = PeriodForm(data, today=TODAY)
    assert not form.is_valid()


def test_the_form_gives_the_period():
    form = PeriodForm({"kind": "month", "year": "2025", "month": "3"}, today=TODAY)
    assert form.is_valid()
    assert form.cleaned_data["period"] == Period.month(2025, 3)
    assert str(form["kind"].label) == "Period"
