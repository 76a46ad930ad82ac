"""The refresh computes each kind of reminder from the records and resolves it when the cause
has gone; the unit's settings decide the referral and no-contact reminders."""

import datetime

import pytest
from django.utils import timezone

from helhet.reminders.models import Reminder

from .. import factories as f
from .conftest import days, open_reminders, plan_version, sip_meeting

Kind = Reminder.Kind
pytestmark = pytest.mark.django_db


def test_sip_follow_up_due_within_a_week_is_reminded_and_resolved_by_the_next_meeting(
    county, refresh
):
    first = sip_meeting(county, held_on=days(-60), next_follow_up_on=days(5))
    refresh()
    [reminder] = open_reminders(kind=Kind.SIP_FOLLOW_UP_DUE)
    assert (reminder.person, reminder.unit, reminder.due_on) == (
        county.patient,
        county.clinic,
        days(5),
    )
    assert (reminder.source_id, reminder.organisation) == (first.pk, county.region)

    sip_meeting(county, sip=first.sip, held_on=days(0), next_follow_up_on=days(90))
    refresh()
    assert open_reminders(kind=Kind.SIP_FOLLOW_UP_DUE) == []
    assert Reminder.objects.get(pk=reminder.pk).resolved_at is not None


def test_sip_follow_up_far_ahead_is_not_reminded(county, refresh):
    sip_meeting(county, held_on=days(-1), next_follow_up_on=days(30))
    refresh()
    assert open_reminders(kind=Kind.SIP_FOLLOW_UP_DUE) == []


def test_plan_review_past_is_reminded_and_resolved_by_a_new_version(county, refresh):
    old = plan_version(county, review_on=days(-3))
    refresh()
    [reminder] = open_reminders(kind=Kind.PLAN_REVIEW_DUE)
    assert (reminder.source_id, reminder.due_on, reminder.organisation) == (
        old.pk,
        days(-3),
        county.region,
    )

    plan_version(county, plan=old.plan, number=2, review_on=days(120))
    refresh()
    assert open_reminders(kind=Kind.PLAN_REVIEW_DUE) == []


def test_plan_review_of_a_person_no_longer_enrolled_is_resolved(county, refresh):
    plan_version(county, review_on=days(2))
    refresh()
    assert len(open_reminders(kind=Kind.PLAN_REVIEW_DUE)) == 1
    county.episode.closed_on = days(0)
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    refresh()
    assert open_reminders() == []


def test_consent_expiring_within_30_days_is_reminded_and_resolved_when_renewed(county, refresh):
    consent = f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        valid_from=days(-300),
        valid_until=days(20),
    )
    refresh()
    [reminder] = open_reminders(kind=Kind.CONSENT_EXPIRING)
    assert (reminder.source_id, reminder.due_on) == (consent.pk, days(20))

    f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, valid_from=days(0)
    )
    refresh()
    assert open_reminders(kind=Kind.CONSENT_EXPIRING) == []


def test_consent_not_expiring_soon_is_not_reminded(county, refresh):
    f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, valid_until=days(45)
    )
    refresh()
    assert open_reminders(kind=Kind.CONSENT_EXPIRING) == []


def test_a_withdrawn_consent_is_not_reminded_of_as_expiring(county, refresh):
    """Alone: no other consent that would count as its renewal."""
    f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        valid_until=days(10),
        withdrawn_on=days(-1),
    )
    refresh()
    assert open_reminders(kind=Kind.CONSENT_EXPIRING) == []


@pytest.mark.parametrize(("waited", "reminded"), [(13, False), (14, False), (15, True)])
def test_referral_waiting_longer_than_the_units_limit_is_reminded(
    county, refresh, waited, reminded
):
    assert county.clinic.referral_wait_limit_days == 14
    f.ReferralFactory(unit=county.clinic, registered_by=county.nurse, received_on=days(-waited))
    refresh()
    assert len(open_reminders(kind=Kind.REFERRAL_WAITING)) == (1 if reminded else 0)


def test_the_units_referral_limit_changes_the_outcome(county, refresh):
    f.ReferralFactory(unit=county.clinic, registered_by=county.nurse, received_on=days(-13))
    county.clinic.referral_wait_limit_days = 10
    county.clinic.save()
    refresh()
    [reminder] = open_reminders(kind=Kind.REFERRAL_WAITING)
    assert (reminder.person, reminder.due_on) == (None, days(-3))


def test_a_decided_referral_is_resolved(county, refresh):
    referral = f.ReferralFactory(
        unit=county.clinic, registered_by=county.nurse, received_on=days(-20)
    )
    refresh()
    assert len(open_reminders(kind=Kind.REFERRAL_WAITING)) == 1
    referral.state = referral.State.DECLINED
    referral.decided_at = timezone.now()
    referral.decline_reason = "Fel målgrupp."
    referral.redirect_to = "Vårdcentralen"
    referral.save()
    refresh()
    assert open_reminders(kind=Kind.REFERRAL_WAITING) == []


def test_an_open_episode_without_contact_is_reminded_and_resolved_by_a_contact(county, refresh):
    refresh()
    [reminder] = open_reminders(kind=Kind.NO_RECENT_CONTACT)
    assert (reminder.source_id, reminder.person, reminder.organisation) == (
        county.episode.pk,
        county.patient,
        county.region,
    )
    assert reminder.due_on == county.episode.opened_on + datetime.timedelta(weeks=4)

    f.ContactFactory(episode=county.episode, recorded_by=county.social_worker)
    refresh()
    assert open_reminders(kind=Kind.NO_RECENT_CONTACT) == []


def test_a_contact_not_attended_does_not_count(county, refresh):
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse, attended=False)
    refresh()
    assert len(open_reminders(kind=Kind.NO_RECENT_CONTACT)) == 1


@pytest.mark.parametrize(("weeks", "reminded"), [(4, True), (6, False)])
def test_the_units_no_contact_weeks_change_the_outcome(county, refresh, weeks, reminded):
    five_weeks_ago = timezone.now() - datetime.timedelta(weeks=5)
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse, starts_at=five_weeks_ago)
    county.clinic.no_contact_weeks = weeks
    county.clinic.save()
    refresh()
    found = open_reminders(kind=Kind.NO_RECENT_CONTACT)
    assert len(found) == (1 if reminded else 0)
    if reminded:
        assert found[0].due_on == timezone.localdate(five_weeks_ago) + datetime.timedelta(weeks=4)


def test_a_new_episode_is_not_out_of_touch_yet(county, refresh):
    county.episode.opened_on = days(-10)
    county.episode.save()
    refresh()
    assert open_reminders(kind=Kind.NO_RECENT_CONTACT) == []


def test_refreshing_twice_keeps_one_reminder_per_cause_and_moves_its_date(county, refresh):
    def noon_weeks_ago(weeks):  # local noon: "a week later" is 7 local days across DST too
        day = timezone.localdate() - datetime.timedelta(weeks=weeks)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    contact = f.ContactFactory(
        episode=county.episode, recorded_by=county.nurse, starts_at=noon_weeks_ago(6)
    )
    refresh()
    [first] = open_reminders(kind=Kind.NO_RECENT_CONTACT)
    contact.starts_at = noon_weeks_ago(5)
    contact.save()
    counts = refresh()
    [again] = open_reminders(kind=Kind.NO_RECENT_CONTACT)
    assert again.pk == first.pk and again.due_on == first.due_on + datetime.timedelta(weeks=1)
    assert counts == {"added": 0, "resolved": 0}


def test_a_refresh_touches_only_its_unit(county, refresh):
    f.ReferralFactory(unit=county.other_unit, registered_by=county.outsider, received_on=days(-30))
    refresh(county.clinic)
    assert open_reminders(kind=Kind.REFERRAL_WAITING) == []
    refresh(county.other_unit)
    assert [r.unit for r in open_reminders(kind=Kind.REFERRAL_WAITING)] == [county.other_unit]


def test_refresh_queries_do_not_grow_with_persons(county, refresh, django_assert_max_num_queries):
    for _ in range(30):
        episode = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
        f.ConsentFactory(
            person=episode.person, unit=county.clinic, recorded_by=county.nurse, valid_until=days(3)
        )
    with django_assert_max_num_queries(30):
        counts = refresh()
    assert counts["added"] == 30 + 31  # consents, and everyone out of touch
