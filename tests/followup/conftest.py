"""A small follow-up world: one clinic and one Mini-Maria, staff to record with, and helpers that
make persons, episodes, contacts, assessments, referrals and SIP meetings on given local days.

Every test builds its own data and computes the expected figures by hand in comments.
"""

import datetime
import itertools
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from helhet.core.models import Organisation, Unit
from helhet.intake.models import Referral
from helhet.plans.models import SipMeeting, SipVersion
from tests import factories as f

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime at HOUR:MINUTE local (Swedish) time on DAY."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=STOCKHOLM)


@pytest.fixture
def world(db):
    region = f.OrganisationFactory(kind=Organisation.Kind.REGION, name="Region Uppföljning")
    municipality = f.OrganisationFactory(
        kind=Organisation.Kind.MUNICIPALITY, name="Uppföljning kommun"
    )
    clinic = f.UnitFactory(
        name="Socialmedicin Uppföljning",
        unit_type=Unit.Type.SOCIAL_MEDICINE,
        organisations=[region, municipality],
    )
    mini = f.UnitFactory(
        name="Mini-Maria Uppföljning",
        unit_type=Unit.Type.MINI_MARIA,
        organisations=[region, municipality],
        age_min=13,
        age_max=21,
    )
    nurse = f.UserFactory(username="fu_nurse", organisation=region)
    w = SimpleNamespace(region=region, municipality=municipality, clinic=clinic, mini=mini)
    w.nurse = nurse

    born = itertools.count()

    def person(birth_date=None, sex="female"):
        """Born in June 1980 unless BIRTH_DATE (a day apart, so identity numbers stay unique)."""
        birth_date = birth_date or datetime.date(1980, 6, 1) + datetime.timedelta(next(born))
        return f.PersonFactory(birth_date=birth_date, legal_sex=sex, registered_by=nurse)

    def episode(p=None, unit=None, opened_on=datetime.date(2025, 3, 1), closed_on=None, **kw):
        p = p or person()
        closing = {}
        if closed_on:
            reason = kw.pop("reason", None) or f.ClosureReasonFactory()
            closing = {"closed_on": closed_on, "closure_reason": reason, "closed_by": nurse}
        return f.EpisodeFactory(
            person=p, unit=unit or clinic, opened_by=nurse, opened_on=opened_on, **closing, **kw
        )

    def contact(ep, day, hour=10, minute=0, booked=False, **kw):
        """A contact; BOOKED: held (or missed) for a booking, which the no-shows count."""
        made = f.ContactFactory(
            episode=ep, recorded_by=nurse, starts_at=local(day, hour, minute), **kw
        )
        if booked:
            f.booking_of(made)
        return made

    def assessment(p, day, occasion, total, instrument="audit", unit=None, **kw):
        return f.AssessmentFactory(
            person=p,
            unit=unit or clinic,
            recorded_by=nurse,
            assessed_on=day,
            occasion=occasion,
            total=total,
            instrument=instrument,
            **kw,
        )

    def referral(received_on, decided_on=None, first_contact_on=None, p=None, ep=None):
        """Accepted (linked to P and EP, made when missing) when decided, else still open."""
        fields = {"received_on": received_on}
        if decided_on:
            ep = ep or episode(p, opened_on=decided_on)
            fields.update(
                state=Referral.State.ACCEPTED,
                decided_at=local(decided_on, 15),
                person=ep.person,
                episode=ep,
                first_contact_on=first_contact_on,
            )
        return f.ReferralFactory(unit=clinic, registered_by=nurse, **fields)

    def sip_version(p, saved_on, unit=None):
        sip = f.SipFactory(person=p, unit=unit or clinic)
        version = f.SipVersionFactory(sip=sip, created_by=nurse)
        SipVersion.objects.filter(pk=version.pk).update(created_at=local(saved_on, 12))
        return sip

    def meeting(sip, held_on, next_follow_up_on=None):
        return SipMeeting.objects.create(
            sip=sip,
            organisation=region,
            caller=nurse,
            invitees="Personen",
            held_on=held_on,
            minutes="Planen gicks igenom.",
            next_follow_up_on=next_follow_up_on,
            recorded_by=nurse,
        )

    w.person, w.episode, w.contact = person, episode, contact
    w.assessment, w.referral, w.sip_version, w.meeting = assessment, referral, sip_version, meeting
    return w
