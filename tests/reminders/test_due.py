"""`selectors.Due`: the reminders a user may see read in batches, the most overdue first; rows
the rule refuses in an early batch do not hide the readable ones after them."""

import pytest

from helhet.care.models import CaseTeamMember
from helhet.reminders import selectors
from helhet.reminders.models import Reminder

from .. import factories as f
from .conftest import days

pytestmark = pytest.mark.django_db


def reminder(county, episode, *, due_in: int, organisation=None) -> Reminder:
    return Reminder.objects.create(
        unit=county.clinic,
        person=episode.person,
        kind=Reminder.Kind.PLAN_REVIEW_DUE,
        due_on=days(due_in),
        source_id=episode.pk * 1000 + due_in + 100,
        organisation=organisation or county.nurse.organisation,
    )


def test_readable_rows_after_a_batch_of_refused_ones_are_found_in_due_order(county, monkeypatch):
    monkeypatch.setattr(selectors.Due, "BATCH", 1)
    mine = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
    f.CaseTeamMemberFactory(episode=mine, user=county.nurse, role=CaseTeamMember.Role.CASE_MANAGER)
    # The most overdue: another organisation's plan, not disclosed to the nurse.
    for n in range(3):
        reminder(county, mine, due_in=-30 + n, organisation=county.social_worker.organisation)
    later = [reminder(county, mine, due_in=n) for n in (-5, -3, 2)]
    due = selectors.Due(county.nurse, unit=county.clinic, whole_unit=False)
    assert [r.pk for r in due.rows(2)] == [later[0].pk, later[1].pk]
    assert [r.pk for r in due.rows(10, due_from=days(0))] == [later[2].pk]
    assert [r.pk for r in due.rows(10, due_before=days(0))] == [later[0].pk, later[1].pk]


def test_persons_off_the_users_case_teams_are_read_only_for_the_whole_unit(county):
    other = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
    shown = reminder(county, other, due_in=-1)
    mine = selectors.Due(county.nurse, unit=county.clinic, whole_unit=False)
    assert mine.rows(5) == []
    unit = selectors.Due(county.nurse, unit=county.clinic, whole_unit=True)
    assert [r.pk for r in unit.rows(5)] == [shown.pk]


def test_a_person_the_user_may_not_see_is_never_read(county):
    hidden = f.EpisodeFactory(unit=county.clinic, opened_by=county.social_worker)
    reminder(county, hidden, due_in=-1, organisation=county.social_worker.organisation)
    due = selectors.Due(county.nurse, unit=county.clinic, whole_unit=True)
    assert due.rows(5) == []
    theirs = selectors.Due(county.social_worker, unit=county.clinic, whole_unit=True)
    assert len(theirs.rows(5)) == 1
