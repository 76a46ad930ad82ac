"""A return to a unit counts as a reactivation only within HELHET_REACTIVATION_MONTHS of the
earlier episode's closure; the link to the earlier episode is kept whatever the gap."""

import datetime

import pytest
from django.urls import reverse

from helhet.care.models import ClosureReason, Episode, add_months, within_reactivation_window

from .. import factories as f
from ..people.utils import log_in

D = datetime.date
CLOSED = D(2025, 1, 15)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 1, 15), 12, D(2026, 1, 15)),
        (D(2025, 12, 1), 1, D(2026, 1, 1)),
    ],
)
def test_months_are_added_by_the_calendar_and_kept_within_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    "opened_on, expected",
    [
        (D(2025, 12, 15), True),  # 11 months
        (D(2026, 1, 15), True),  # exactly 12 months: still within
        (D(2026, 1, 16), False),  # a day later
        (D(2026, 2, 15), False),  # 13 months
        (CLOSED, True),  # the same day
    ],
)
def test_a_return_within_twelve_months_of_the_closure_is_a_reactivation(opened_on, expected):
    assert within_reactivation_window(CLOSED, opened_on) is expected


def test_the_window_is_the_setting(settings):
    settings.HELHET_REACTIVATION_MONTHS = 18
    assert within_reactivation_window(CLOSED, D(2026, 2, 15))
    settings.HELHET_REACTIVATION_MONTHS = 6
    assert not within_reactivation_window(CLOSED, D(2025, 12, 15))


# --- On episodes: the property and the database annotation agree ---------------------------


@pytest.fixture
def reason(db):
    return ClosureReason.objects.get(code="goals_reached")


def returns(county, reason):
    """Episodes at the other unit, each returning after a closed one, by the months between."""
    cases = {}
    for n, (closed_on, opened_on) in enumerate(
        [
            (D(2025, 1, 15), D(2025, 12, 15)),  # 11 months
            (D(2025, 1, 15), D(2026, 1, 15)),  # 12 months exactly
            (D(2025, 1, 15), D(2026, 1, 16)),  # 12 months and a day
            (D(2025, 1, 15), D(2026, 2, 15)),  # 13 months
            (D(2024, 2, 29), D(2025, 2, 28)),  # a leap day's 12 months
            (D(2024, 2, 29), D(2025, 3, 1)),
            (D(2024, 1, 31), D(2025, 1, 30)),  # day of month before the closure's
            (D(2023, 12, 31), D(2025, 1, 1)),  # across two year ends
        ]
    ):
        person = f.PersonFactory(registered_by=county.nurse)
        earlier = f.EpisodeFactory(
            person=person,
            unit=county.other_unit,
            opened_by=county.nurse,
            opened_on=closed_on - datetime.timedelta(days=30),
            closed_on=closed_on,
            closure_reason=reason,
        )
        cases[n] = f.EpisodeFactory(
            person=person,
            unit=county.other_unit,
            opened_by=county.nurse,
            opened_on=opened_on,
            reactivation_of=earlier,
        )
    return cases


def test_an_episode_without_an_earlier_one_is_no_reactivation(county):
    assert not county.episode.is_reactivation
    annotated = Episode.objects.with_reactivation().get(pk=county.episode.pk)
    assert annotated.in_reactivation_window is False


def test_the_database_annotation_agrees_with_the_property(county, reason):
    cases = returns(county, reason)
    annotated = {
        e.pk: e.in_reactivation_window
        for e in Episode.objects.with_reactivation().filter(reactivation_of__isnull=False)
    }
    expected = [True, True, False, False, True, False, True, False]
    assert [cases[n].is_reactivation for n in range(8)] == expected
    assert [annotated[cases[n].pk] for n in range(8)] == expected


def test_a_changed_setting_changes_both_answers(county, reason, settings):
    cases = returns(county, reason)
    settings.HELHET_REACTIVATION_MONTHS = 13
    annotated = Episode.objects.with_reactivation().get(pk=cases[3].pk)
    assert cases[3].is_reactivation and annotated.in_reactivation_window
    settings.HELHET_REACTIVATION_MONTHS = 11
    annotated = Episode.objects.with_reactivation().get(pk=cases[1].pk)
    assert not cases[1].is_reactivation and not annotated.in_reactivation_window


def test_reactivations_can_be_counted_in_the_database(county, reason):
    returns(county, reason)
    reactivated = Episode.objects.with_reactivation().filter(in_reactivation_window=True)
    assert reactivated.count() == 4


# --- On the pages -------------------------------------------------------------------------


@pytest.fixture
def closed_elsewhere(county, reason):
    """A closed episode at the nurse's other unit; the patient's clinic episode stays open."""
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    county.other_unit.age_max = None
    county.other_unit.save()
    return f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.nurse,
        opened_on=D(2025, 1, 1),
        closed_on=D(2025, 6, 1),
        closure_reason=reason,
    )


def reactivate(client, county, episode, opened_on):
    return log_in(client, county.nurse).post(
        reverse("care:episode_reactivate", args=[episode.person_id, episode.pk]),
        {"opened_on": opened_on},
        follow=True,
    )


def test_a_return_within_the_window_is_called_a_reactivation(client, county, closed_elsewhere):
    response = reactivate(client, county, closed_elsewhere, "2026-05-01")
    new = Episode.objects.get(reactivation_of=closed_elsewhere)
    assert new.is_reactivation
    assert "The episode is reactivated." in response.text
    assert "Reactivation of" in response.text


def test_a_return_after_the_window_is_linked_but_not_a_reactivation(
    client, county, closed_elsewhere, settings
):
    settings.HELHET_REACTIVATION_MONTHS = 6
    response = reactivate(client, county, closed_elsewhere, "2026-05-01")
    new = Episode.objects.get(reactivation_of=closed_elsewhere)
    assert not new.is_reactivation
    assert "not counted as a reactivation" in response.text
    assert "Return after" in response.text and "Reactivation of" not in response.text
