"""Five years of care for the benchmark's long-history person (issue 3's benchmark):
1,000 contacts, 50 assessments, 10 SIP versions with meetings, 10 treatment-plan versions,
drug tests and dispensings, spread over the person's episodes at the clinic.

Added once, with bulk_create, and kept for later runs (`add` does nothing when the person has a
SIP at the clinic). `add(..., scale=0.01)` gives an ordinary person a short history of every
kind (10 contacts, 2 SIP versions, ...), so that the benchmark can compare the query counts.
Every record is owned by one of the clinic's two organisations in turn, so the reader sees some
by their own organisation and others only under the person's consent.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from helhet.assessments import catalogue
from helhet.assessments.actions import result_fields
from helhet.assessments.scoring import score
from helhet.care.models import Episode
from helhet.contacts.models import (
    Contact,
    ContactIntervention,
    DrugTest,
    Intervention,
    MedicationDispensing,
)
from helhet.core.models import Organisation, Unit, User
from helhet.people.identity import age_on
from helhet.people.models import Person
from helhet.plans.models import (
    PlanItem,
    PlanVersion,
    Sip,
    SipIntervention,
    SipMeasure,
    SipMeeting,
    SipVersion,
    TreatmentPlan,
)

CONTACTS, ASSESSMENTS, SIP_VERSIONS, PLAN_VERSIONS = 1000, 50, 10, 10
YEARS = 5


def add(person: Person, clinic: Unit, user: User, *, scale: float = 1.0) -> dict:
    """Add the history unless it is there; return what the person has."""
    if not Sip.objects.filter(person=person, unit=clinic).exists():
        with transaction.atomic():
            _add(person, clinic, user, scale)
    return {
        "contacts": Contact.objects.filter(person=person).count(),
        "assessments": person.assessments.count(),
        "sip_versions": SipVersion.objects.filter(sip__person=person).count(),
        "plan_versions": PlanVersion.objects.filter(plan__person=person).count(),
    }


def _add(person: Person, clinic: Unit, user: User, scale: float) -> None:
    def scaled(n: int) -> int:
        return max(2, round(n * scale))

    contacts_n, assessments_n = scaled(CONTACTS), scaled(ASSESSMENTS)
    sip_versions_n, plan_versions_n = scaled(SIP_VERSIONS), scaled(PLAN_VERSIONS)
    tests_n = scaled(40)
    rng = random.Random(f"bench-history-{person.pk}")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365 * YEARS)
    organisations = list(clinic.organisations.order_by("pk"))
    staff = {
        o.pk: list(User.objects.filter(memberships__unit=clinic, organisation=o).order_by("pk"))
        or [user]
        for o in organisations
    }
    episodes = list(Episode.objects.filter(person=person, unit=clinic).order_by("opened_on"))
    interventions = list(Intervention.objects.order_by("pk")) or []

    def episode_on(day: datetime.date) -> Episode:
        started = [e for e in episodes if e.opened_on <= day]
        return started[-1] if started else episodes[0]

    def owner(i: int) -> tuple[Organisation, User]:
        organisation = organisations[i % len(organisations)]
        return organisation, rng.choice(staff[organisation.pk])

    span = (today - start).days
    contacts = []
    for i in range(contacts_n):
        day = start + datetime.timedelta(days=span * i // contacts_n)
        organisation, writer = owner(i)
        contacts.append(
            Contact(
                person=person,
                unit=clinic,
                episode=episode_on(day),
                organisation=organisation,
                kind=rng.choice(Contact.Kind.values),
                starts_at=timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(9 + i % 7, 15))
                ),
                duration_minutes=rng.choice((15, 30, 45, 60)),
                attended=rng.random() > 0.1,
                note=f"Anteckning {i + 1}: samtal om veckan som gått.",
                recorded_by=writer,
            )
        )
    contacts = Contact.objects.bulk_create(contacts)
    Staff = Contact.staff.through
    Staff.objects.bulk_create(Staff(contact=c, user=c.recorded_by) for c in contacts)
    if interventions:
        ContactIntervention.objects.bulk_create(
            ContactIntervention.of(c, interventions[i % len(interventions)])
            for i, c in enumerate(contacts)
        )

    assessments = []
    for i in range(assessments_n):
        day = start + datetime.timedelta(days=span * i // assessments_n)
        code = "audit" if i % 2 == 0 else "dudit"
        instrument = catalogue.instrument(code)
        answers = {item.number: rng.choice(sorted(item.scores)) for item in instrument.items}
        age = age_on(person.birth_date, day)
        result = score(
            instrument, answers, sex=person.legal_sex, age=age, variants=catalogue.variants(code)
        )
        organisation, writer = owner(i)
        assessments.append(
            person.assessments.model(
                person=person,
                unit=clinic,
                episode=episode_on(day),
                organisation=organisation,
                instrument=code,
                instrument_version=instrument.version,
                assessed_on=day,
                occasion="intake" if i < 2 else "follow_up",
                sex=person.legal_sex,
                age=age,
                recorded_by=writer,
                **result_fields(instrument, result),
            )
        )
    person.assessments.model.objects.bulk_create(assessments)

    sip, _created = Sip.objects.get_or_create(person=person, unit=clinic)
    for n in range(1, sip_versions_n + 1):
        organisation, writer = owner(n)
        version = SipVersion.objects.create(
            sip=sip,
            number=n,
            organisation=organisation,
            goal=f"Mål i version {n}: ett eget boende.",
            overall_responsible=organisations[0],
            created_by=writer,
        )
        SipIntervention.objects.bulk_create(
            SipIntervention(
                version=version,
                intervention=interventions[k % len(interventions)] if interventions else None,
                description="" if interventions else f"Insats {k}",
                responsible_organisation=organisations[k % len(organisations)],
                position=k,
            )
            for k in range(3)
        )
        SipMeasure.objects.create(
            version=version, agency=SipMeasure.Agency.values[0], measure="Ansökan", position=0
        )
        held = start + datetime.timedelta(days=span * n // (sip_versions_n + 1))
        SipMeeting.objects.create(
            sip=sip,
            organisation=organisation,
            caller=writer,
            invitees="Personen\nSocialtjänsten",
            held_on=held,
            minutes=f"Uppföljning {n}.",
            next_follow_up_on=held + datetime.timedelta(days=90),
            recorded_by=writer,
        )

    for organisation in organisations:
        plan, _created = TreatmentPlan.objects.get_or_create(
            person=person, unit=clinic, organisation=organisation
        )
        # The demo county may have given the person a plan already: number on from its versions.
        first = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        for n in range(first, first + max(1, plan_versions_n // len(organisations))):
            version = PlanVersion.objects.create(
                plan=plan,
                number=n,
                organisation=organisation,
                goals=f"Mina mål, version {n}.",
                review_on=today + datetime.timedelta(days=30 * n),
                created_by=staff[organisation.pk][0],
            )
            PlanItem.objects.create(version=version, description="Samtal varje vecka")

    for i in range(tests_n):
        day = start + datetime.timedelta(days=span * i // tests_n)
        organisation, writer = owner(i)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))
        DrugTest.objects.create(
            person=person,
            unit=clinic,
            organisation=organisation,
            sample=DrugTest.Sample.values[0],
            taken_at=moment,
            recorded_by=writer,
        )
        MedicationDispensing.objects.create(
            person=person,
            unit=clinic,
            organisation=organisation,
            medication="Buprenorfin/naloxon 8 mg/2 mg",
            dose=1,
            dose_unit="piece",
            handed_out_at=moment,
            handed_out_by=writer,
            recorded_by=writer,
        )
