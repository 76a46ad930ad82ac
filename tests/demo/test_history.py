"""`helhet demo --years`: the county's history, enough of it for last year's follow-up of each
unit, deterministic, stored exactly as generated on either database, and its steering group."""

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError
from django.db.models import Q
from django.utils import timezone

from helhet.assessments.models import Assessment
from helhet.care.models import Episode, add_months
from helhet.contacts.models import Contact, DrugTestResult, Intervention, MedicationDispensing
from helhet.core.models import Membership, Organisation, Unit, User
from helhet.demo.county import DEMO_PASSWORD, STEERING, STEERING_GROUP, logins_table, saved_county
from helhet.demo.journeys import INTAKE_NOTE
from helhet.demo.population import Population
from helhet.followup.models import SteeringGroup
from helhet.intake.models import Referral
from helhet.people.identity import age_on, parse
from helhet.people.models import Person
from helhet.plans.models import SipMeeting

from .test_demo import run_demo

COUNTY = 300  # the size `make demo` loads
DEMO_UNITS = {"social_medicine", "mini_maria", "act"}


@pytest.fixture
def county(db):
    return run_demo(persons=COUNTY)


def last_year() -> tuple[datetime.date, datetime.date]:
    year = timezone.localdate().year - 1
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def test_every_unit_has_last_years_follow_up_data(county):
    first, last = last_year()
    units = list(Unit.objects.all())
    assert {u.unit_type for u in units} == DEMO_UNITS
    for unit in units:
        episodes = Episode.objects.filter(unit=unit)
        active = episodes.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        assert active.filter(opened_on__lte=last).count() >= 10, unit
        assert episodes.filter(opened_on__range=(first, last)).exists(), unit
        assert episodes.filter(closed_on__range=(first, last)).exists(), unit
        returns = episodes.filter(opened_on__range=(first, last), reactivation_of__isnull=False)
        reactivated = [
            e
            for e in returns.select_related("reactivation_of")
            if e.opened_on <= add_months(e.reactivation_of.closed_on, 12)
        ]
        assert reactivated, unit

        contacts = Contact.objects.filter(unit=unit, starts_at__date__range=(first, last))
        assert contacts.filter(attended=True).count() >= 100, unit
        assert contacts.filter(attended=False).exists(), unit
        assert Contact.interventions.through.objects.filter(contact__in=contacts).exists()

        decided = Referral.objects.filter(unit=unit, decided_at__date__range=(first, last))
        assert decided.filter(state=Referral.State.ACCEPTED).exists(), unit
        assert decided.filter(first_contact_on__isnull=False).exists(), unit

        intake = Assessment.objects.filter(
            unit=unit, occasion=Assessment.Occasion.INTAKE, assessed_on__range=(first, last)
        )
        assert {"audit", "dudit"} <= set(intake.values_list("instrument", flat=True)), unit

        meetings = SipMeeting.objects.filter(sip__unit=unit, held_on__range=(first, last))
        assert meetings.exists(), unit
        assert all(m.next_follow_up_on > m.held_on for m in meetings)

    # Across the county: declined referrals, SIP follow-ups both kept and late.
    decided = Referral.objects.filter(decided_at__date__range=(first, last))
    assert decided.filter(state=Referral.State.DECLINED).exists()
    kept = late = 0
    for sip in {m.sip_id for m in SipMeeting.objects.all()}:
        meetings = list(SipMeeting.objects.filter(sip=sip).order_by("held_on"))
        for before, after in zip(meetings, meetings[1:], strict=False):
            if after.held_on <= before.next_follow_up_on:
                kept += 1
            else:
                late += 1
    assert kept > late > 0


def test_the_history_has_what_the_indicators_count(county):
    today = timezone.localdate()
    contacts = Contact.objects.all()
    no_shows = contacts.filter(attended=False).count() / contacts.count()
    assert 0.08 <= no_shows <= 0.2
    kinds = set(contacts.values_list("kind", flat=True))
    assert kinds == set(Contact.Kind.values)
    # The seed's three interventions and the catalogue's, by unit type.
    linked = Contact.interventions.through.objects
    codes = Counter(linked.values_list("intervention__code", flat=True))
    for code in ("medication_dispensing", "group_treatment", "individual_treatment", "laro"):
        assert codes[code], code
    act = linked.filter(contact__unit__unit_type="act")
    assert act.filter(intervention__code="case_management").count() > act.count() / 4
    assert not linked.filter(contact__unit__unit_type="act", intervention__code="laro").exists()
    prioritised = Intervention.objects.filter(guideline_priority__lte=3)
    assert linked.filter(intervention__in=prioritised).exists()
    assert MedicationDispensing.objects.exists() and DrugTestResult.objects.exists()

    # Returns both within twelve months (reactivations) and after.
    gaps = [
        (e.opened_on - e.reactivation_of.closed_on).days
        for e in Episode.objects.filter(reactivation_of__isnull=False).select_related(
            "reactivation_of"
        )
    ]
    assert any(60 <= gap <= 335 for gap in gaps) and any(395 <= gap <= 915 for gap in gaps)
    assert all(gap > 0 for gap in gaps)
    # Closed with reasons from the catalogue, none after a death.
    closed = Episode.objects.filter(closed_on__isnull=False)
    assert len(set(closed.values_list("closure_reason__code", flat=True))) >= 6
    assert not closed.filter(closure_reason__code="deceased", reactivated_by__isnull=False)

    # AUDIT and DUDIT at intake and at follow-ups, some incomplete, with zones as scored.
    assessments = Assessment.objects.all()
    assert assessments.filter(occasion="follow_up").count() > COUNTY / 2
    assert assessments.filter(complete=False).exists()
    assert len(set(assessments.exclude(zone="").values_list("zone", flat=True))) >= 3

    # Mini-Maria: 13–21 at every opening, and some turn 18 while enrolled.
    mini_maria = Episode.objects.filter(unit__unit_type="mini_maria").select_related("person")
    turning = 0
    for episode in mini_maria:
        birth = episode.person.birth_date
        assert 13 <= age_on(birth, episode.opened_on) <= 21
        if age_on(birth, episode.opened_on) < 18 <= age_on(birth, episode.closed_on or today):
            turning += 1
    assert turning
    # Every identity number is a valid test number, the referrals' too.
    numbers = list(Person.objects.values_list("identity_number", flat=True))
    numbers += list(
        Referral.objects.exclude(identity_number="").values_list("identity_number", flat=True)
    )
    for number in numbers:
        assert parse(number).value == number
        assert 980 <= int(number[8:11]) <= 999


def counts() -> dict[str, int]:
    return {
        "persons": Person.objects.count(),
        "episodes": Episode.objects.count(),
        "referrals": Referral.objects.count(),
        "contacts": Contact.objects.count(),
        "contact staff": Contact.staff.through.objects.count(),
        "contact interventions": Contact.interventions.through.objects.count(),
        "assessments": Assessment.objects.count(),
        "dispensings": MedicationDispensing.objects.count(),
        "drug test results": DrugTestResult.objects.count(),
        "sip meetings": SipMeeting.objects.count(),
    }


def generated(persons: int, *, seed: int = 1, years: int = 2) -> dict[str, int]:
    """What the population generates for PERSONS, counted before anything is saved."""
    population = Population(saved_county(), seed=seed, today=timezone.localdate(), years=years)
    batches = [population.batch(0, persons), population.inboxes()]

    def total(name):
        return sum(len(getattr(b, name)) for b in batches)

    return {
        "persons": total("persons"),
        "episodes": total("episodes") + sum(len(r) for b in batches for r in b.reactivations),
        "referrals": total("referrals"),
        "contacts": total("contacts"),
        "contact staff": total("contact_staff"),
        "contact interventions": total("contact_interventions"),
        "assessments": total("assessments"),
        "dispensings": total("dispensings"),
        "drug test results": total("drug_test_results"),
        "sip meetings": total("sip_meetings"),
    }


def test_the_database_holds_exactly_what_was_generated(db):
    """Run on SQLite (bulk_create) and on PostgreSQL (COPY): the same rows on either."""
    run_demo(persons=40, years=3, batch_size=7)
    saved = counts()
    assert saved == generated(40, years=3)
    assert saved == generated(40, years=3)  # the same seed, the same county
    assert generated(40, seed=2, years=3) != saved
    # The keys the loader set are the rows' own: each contact's staff and episode agree.
    for contact in Contact.objects.select_related("episode").prefetch_related("staff")[:200]:
        assert contact.episode.person_id == contact.person_id
        assert contact.recorded_by_id in {u.pk for u in contact.staff.all()}


def test_more_years_more_history(db):
    run_demo(persons=40, years=1)
    one = counts()
    # Only the first visit of an episode opened before the history lies before it.
    earliest = Contact.objects.exclude(note=INTAKE_NOTE).order_by("starts_at").first()
    assert (timezone.localdate() - timezone.localdate(earliest.starts_at)).days <= 366
    assert generated(40, years=4)["contacts"] > one["contacts"]


@pytest.mark.parametrize("years", [0, -1, 21])
def test_years_out_of_range_are_refused_and_nothing_is_loaded(db, years):
    with pytest.raises(CommandError, match="--years must be from 1 to 20"):
        run_demo(persons=5, years=years)
    assert not Organisation.objects.exists() and not Person.objects.exists()


def test_the_steering_group_follows_all_units_and_has_no_clinical_access(county):
    group = SteeringGroup.objects.get(name=STEERING_GROUP)
    assert set(group.units.values_list("unit_type", flat=True)) == DEMO_UNITS
    members = list(group.members.select_related("organisation"))
    assert {m.username for m in members} == {spec.username for spec in STEERING}
    assert {m.organisation.kind for m in members} == {"region", "municipality"}
    for member in members:
        assert member.profession == User.Profession.MANAGER
        assert member.check_password(DEMO_PASSWORD)
        assert not Membership.objects.filter(user=member).exists()
        assert not member.case_teams.exists() and not member.is_staff
    # The other demo logins are in no steering group.
    assert not SteeringGroup.objects.filter(members__memberships__isnull=False).exists()
    table = logins_table()
    for spec in STEERING:
        line = next(line for line in table.splitlines() if line.startswith(spec.username))
        assert "steering group" in line
    assert "birgitta.styrgrupp" in county
