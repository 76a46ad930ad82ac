"""PROTECTED IDENTITY, WALKED: every page and document that can show a protected person, asked
by every kind of staff, must not show the person's address, postal code, city, telephone or
e-mail (nor their relatives', nor those typed into a protected referral) to anyone but the
allowed roles: the coordinator at a unit where they have a relationship with the person (at the
referral's unit, for a referral not yet linked to a person). See `access/contact_details.py`.

The walk enumerates the URL resolver, as the access matrix does: a new URL pattern is walked
without being listed here, and one whose arguments the walk cannot fill fails the test until
`ARGUMENTS` learns them. PDFs, spreadsheets and CSV files are read as text.
"""

import csv
import datetime
import io
import itertools
from dataclasses import dataclass

import openpyxl
import pypdf
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.contacts.models import Contact
from helhet.core.middleware import ACTIVE_UNIT_SESSION_KEY
from helhet.core.models import Membership, User
from helhet.followup.models import ExportJob, SteeringGroup
from helhet.intake.models import Referral
from helhet.people.models import Change
from helhet.plans import actions as plan_actions

from . import factories as f
from .conference.conftest import conference, item
from .plans.conftest import access_of, disclose, sip_data

# The protected person's details, their relative's, and a protected referral's.
PERSON = {
    "address": "Hemliga vägen 7",
    "postal_code": "987 65",
    "city": "Gömstad",
    "phone": "073-555 01 99",
    "email": "tolvan.hemlig@example.test",
}
RELATIVE = {"phone": "076-444 22 11", "email": "anna.anhorig@example.test"}
REFERRAL = {"contact": "hemlig.remiss@example.test", "referrer_contact": "072-333 88 99"}
SECRETS = [*PERSON.values(), *RELATIVE.values(), *REFERRAL.values()]
PLAIN_CONTACT = "Ring 070-111 22 33 efter kl 10"  # an unprotected referral's: seen by all

ALLOWED = ("coordinator_region", "coordinator_municipality")
ACTORS = (
    "nurse_region",  # staff at the clinic, opened the person's episode
    "physician_region",
    "social_worker_municipality",  # under the coordination consent
    "case_manager_municipality",  # on the person's case team
    "manager_municipality",
    "manager_region",
    *ALLOWED,  # the clinic's coordinators: the only ones who may see the details
    "nurse_outside",  # at Mini-Maria, where the person has no episode
    "coordinator_outside",  # a coordinator, but at Mini-Maria
    "manager_outside",
    "emergency_coordinator",  # the outside coordinator with emergency access to the person
    "steering",
    "admin",
    "anonymous",
)

# URL patterns not walked, and why. Everything else is walked with GET.
NOT_WALKED = {
    "admin": "the admin site registers no person data (test below)",
    "set_language": "POST only, shows nothing",
    "password_reset_confirm": "the form where a user chooses their own password: no person",
}


# --- The county ------------------------------------------------------------------------------


@pytest.fixture
def world(county, consent_for_coordination):
    """The test county with a protected patient who has a bit of everything, two referrals at
    the clinic (one linked to the patient, one marked protected), and every kind of staff."""
    c = county
    for name, value in PERSON.items():
        setattr(c.patient, name, value)
    c.patient.protected_identity = True
    c.patient.save()
    c.relative.phone, c.relative.email = RELATIVE["phone"], RELATIVE["email"]
    c.relative.save()
    c.consent = consent_for_coordination
    disclose(c.consent, c, "plans", "contacts", "assessments", "medication", "notes")
    _staff(c)
    _records(c)
    _referrals(c)
    _exports(c)
    _governance(c)
    return c


def _governance(c):
    """The clinic's agreement, in force, with a position and a shared cost (no person in any)."""
    from helhet.governance import actions as governance
    from helhet.governance.models import (
        Agreement,
        Cost,
        Deviation,
        Dispute,
        DisputeDecision,
        EscalationStep,
        Position,
        Target,
    )

    c.agreement = Agreement.objects.create(name="Överenskommelse Testby")
    c.agreement.units.add(c.clinic)
    c.agreement_version = governance.version_propose(
        user=c.coordinator,
        agreement_id=c.agreement.pk,
        based_on=0,
        parties=[c.region, c.municipality],
        mission="Samordnat stöd",
        target_group="Vuxna",
        starts_on=datetime.date(2026, 1, 1),
    )
    for user in (c.coordinator, c.manager):
        governance.version_approve(user=user, version_id=c.agreement_version.pk)
    c.position = Position.objects.create(
        agreement=c.agreement, profession="nurse", employer=c.region, payer=c.region
    )
    c.cost = Cost.objects.create(
        agreement=c.agreement, year=2026, kind="premises", amount=1, recorded_by=c.region
    )
    c.target = Target.objects.create(
        agreement_version=c.agreement_version,
        indicator="enrolled",
        comparison=Target.Comparison.AT_LEAST,
        value=1,
        goal_image=9,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    c.steering_group = SteeringGroup.objects.get(name="Styrgrupp Testby")
    # a deviation about the protected patient, reported by the region's coordinator
    c.deviation = Deviation.objects.create(
        agreement=c.agreement,
        unit=c.clinic,
        reported_by=c.coordinator,
        reporting_party=c.region,
        addressed_to=c.municipality,
        function="Enhetschef",
        category=Deviation.Category.HANDOVER,
        happened_on=timezone.localdate(),
        description="Ingen överlämning",
        person=c.patient,
        answer_by=timezone.localdate(),
    )
    # a dispute about the protected patient, raised by the region's coordinator, at step 2
    for position, body in enumerate(["Enhetscheferna", "Styrgruppen"], start=1):
        EscalationStep.objects.create(
            version=c.agreement_version, position=position, body=body, days=14
        )
    c.dispute = Dispute.objects.create(
        agreement=c.agreement,
        ladder=c.agreement_version,
        unit=c.clinic,
        raised_by=c.coordinator,
        raising_party=c.region,
        against=c.municipality,
        kind=Dispute.Kind.NEEDS,
        question="Vem ansvarar för boendestödet?",
        person=c.patient,
        meanwhile_party=c.region,
        meanwhile="Regionen fortsätter behandlingen",
        step=2,
        decide_by=timezone.localdate(),
    )
    DisputeDecision.objects.create(
        dispute=c.dispute,
        step=1,
        body="Enhetscheferna",
        settled=False,
        decision="Ingen enighet",
        reasons="Olika bedömningar",
        decided_by=c.manager,
        decided_party=c.municipality,
    )
    # the region's coordinator as its contact person, asked about the protected patient by
    # the municipality's manager (the coordinator, as the contact person, sees it)
    from helhet.governance.models import Consultation, ContactPerson

    c.contact_person = ContactPerson.objects.create(
        unit=c.clinic,
        party=c.region,
        user=c.coordinator,
        function="Kontaktperson",
        recorded_by=c.coordinator,
    )
    c.consultation = Consultation.objects.create(
        agreement=c.agreement,
        unit=c.clinic,
        asked_by=c.manager,
        asking_party=c.municipality,
        addressed_to=c.region,
        contact=c.coordinator,
        function="Kontaktperson",
        question="Vilken vårdnivå?",
        person=c.patient,
        answer_by=timezone.localdate(),
    )
    _steering_work(c)


def _steering_work(c):
    """A meeting of the steering group with a decision, and a step of its year (no person)."""
    from helhet.governance import steering_actions as work

    today = timezone.localdate()
    c.meeting = work.meeting_save(
        user=c.coordinator,
        group_id=c.steering_group.pk,
        based_on=None,
        held_on=today,
        period_start=today - datetime.timedelta(days=30),
        period_end=today - datetime.timedelta(days=1),
        agenda=["Uppföljningen"],
    )
    c.decision = work.decision_save(
        user=c.coordinator, meeting_id=c.meeting.pk, based_on=None, text="Rutin", owner_function="X"
    )
    c.step = work.cycle_step_save(
        user=c.coordinator,
        group_id=c.steering_group.pk,
        based_on=None,
        kind="budget",
        month=9,
        day=1,
    )


def _staff(c):
    def member(username, organisation, profession, unit, role=Membership.Role.STAFF):
        user = f.UserFactory(username=username, organisation=organisation, profession=profession)
        f.MembershipFactory(user=user, unit=unit, role=role)
        return user

    P, R, COORD = User.Profession, Membership.Role, Membership.Role.COORDINATOR
    muni, region = c.municipality, c.region
    c.users = {
        "nurse_region": c.nurse,
        "physician_region": member("physician", region, P.PHYSICIAN, c.clinic),
        "social_worker_municipality": c.social_worker,
        "case_manager_municipality": member("case_mgr", muni, P.CASE_MANAGER, c.clinic),
        "manager_municipality": c.manager,
        "manager_region": member("mgr_region", region, P.MANAGER, c.clinic, R.MANAGER),
        "coordinator_region": c.coordinator,
        "coordinator_municipality": member("coord_m", muni, P.COORDINATOR, c.clinic, COORD),
        "nurse_outside": c.outsider,
        "coordinator_outside": member("coord_out", region, P.COORDINATOR, c.other_unit, COORD),
        "manager_outside": member("mgr_out", muni, P.MANAGER, c.other_unit, R.MANAGER),
        "steering": f.UserFactory(username="steering", organisation=region, profession=P.MANAGER),
        "admin": c.admin,
    }
    c.users["emergency_coordinator"] = c.users["coordinator_outside"]
    f.EmergencyAccessFactory(
        user=c.users["coordinator_outside"], person=c.patient, unit=c.other_unit
    )
    group = SteeringGroup.objects.create(name="Styrgrupp Testby")
    group.units.add(c.clinic)
    group.members.add(c.users["steering"])
    f.CaseTeamMemberFactory(episode=c.episode, user=c.users["case_manager_municipality"])


def _records(c):
    """Something in every source the person pages read, relatives named where they can be."""
    c.closed_episode = f.EpisodeFactory(
        person=c.patient,
        unit=c.other_unit,
        opened_by=c.nurse,
        opened_on="2025-01-10",
        closed_on="2025-06-30",
        closed_by=c.nurse,
        closure_reason=f.ClosureReasonFactory(),
    )
    c.assessment = f.AssessmentFactory(person=c.patient, unit=c.clinic, recorded_by=c.nurse)
    c.outcome = f.OutcomeFactory(person=c.patient, unit=c.clinic, recorded_by=c.nurse)
    c.block = f.BlockFactory(person=c.patient, unit=c.clinic, recorded_by=c.nurse)
    c.alert = f.AlertFactory(person=c.patient, unit=c.clinic, added_by=c.nurse)
    c.contact = f.ContactFactory(
        episode=c.episode,
        recorded_by=c.nurse,
        kind=Contact.Kind.PHONE,
        relative=c.relative,
    )
    c.drug_test = f.DrugTestFactory(person=c.patient, unit=c.clinic, recorded_by=c.nurse)
    f.DrugTestResultFactory(drug_test=c.drug_test)
    c.dispensing = f.MedicationDispensingFactory(
        person=c.patient, unit=c.clinic, recorded_by=c.nurse
    )
    _changes(c)
    c.conference = conference(c.clinic, c.nurse)
    c.conference_item = item(c.conference, c.patient, c.nurse)
    _bookings(c)
    access = access_of(c.nurse, c.patient, c.clinic)
    plan_actions.sip_version_create(
        actor=Actor(c.nurse, c.clinic, "req-sip"),
        access=access,
        **sip_data(c, relatives=[c.relative]),
    )


def _changes(c):
    """Edits that put the details into the history: the person's saved before the protection
    (hidden all the same, the person being protected now), the relative's after it."""
    by = {"organisation": c.region, "unit": c.clinic, "changed_by": c.nurse}
    person = {name: ["Förr", value] for name, value in PERSON.items()}
    Change.objects.create(person=c.patient, number=1, fields=person, protected=False, **by)
    relative = {name: ["", value] for name, value in RELATIVE.items()}
    Change.objects.create(
        person=c.patient, relative=c.relative, number=1, fields=relative, protected=True, **by
    )


def _bookings(c):
    """A booking and a group session with the patient, and the nurse's calendar feed, at a
    unit whose feeds name the persons."""
    from helhet.bookings import feeds
    from helhet.bookings.models import GroupSession

    c.clinic.calendar_feed_shows_names = True
    c.clinic.save()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    # a home visit whose place is the protected address (the calendars must not show it)
    c.booking = f.BookingFactory(
        episode=c.episode, booked_by=c.nurse, starts_at=tomorrow, place=PERSON["address"]
    )
    c.session = GroupSession.objects.create(
        unit=c.clinic,
        organisation=c.region,
        title="Grupp",
        starts_at=tomorrow + datetime.timedelta(hours=2),
        ends_at=tomorrow + datetime.timedelta(hours=3),
        created_by=c.nurse,
    )
    f.BookingFactory(
        episode=c.episode,
        booked_by=c.nurse,
        starts_at=c.session.starts_at,
        ends_at=c.session.ends_at,
        group_session=c.session,
        kind="group",
    )
    c.feed_token = feeds.feed_create(user=c.nurse)


def _referrals(c):
    c.linked_referral = f.ReferralFactory(
        unit=c.clinic,
        registered_by=c.nurse,
        source=Referral.Source.RELATIVE,
        referrer=c.relative.name,
        referrer_contact=RELATIVE["phone"],
        name=c.patient.full_name,
        identity_number=c.patient.identity_number,
        contact=PERSON["phone"],
        state=Referral.State.ACCEPTED,
        person=c.patient,
        episode=c.episode,
        decided_at=timezone.now(),
        decided_by=c.nurse,
    )
    c.protected_referral = f.ReferralFactory(
        unit=c.clinic, registered_by=c.nurse, protected_identity=True, **REFERRAL
    )
    c.plain_referral = f.ReferralFactory(
        unit=c.clinic, registered_by=c.nurse, name="Olle Öppen", contact=PLAIN_CONTACT
    )
    # from social services, protected, without its commission yet: the commission form walks
    c.social_services_referral = f.ReferralFactory(
        unit=c.clinic,
        registered_by=c.nurse,
        protected_identity=True,
        source=Referral.Source.SOCIAL_SERVICES,
        **REFERRAL,
    )


def _exports(c):
    """Three follow-up exports of the region's coordinator, not yet run: only the owner sees a
    job, so everyone else is answered "not found" whatever its state (`run_exports`)."""
    c.jobs = [
        ExportJob.objects.create(owner=c.coordinator, params=EXPORT, format=export_format)
        for export_format in ExportJob.Format.values
    ]


EXPORT = {"scope": "unit", "kind": "year", "year": "2025", "breakdown": "total"}


def run_exports(c):
    """The clinic's follow-up in every format, made by the region's coordinator through the
    page, in place of the jobs of `_exports`: aggregates, walked all the same."""
    ExportJob.objects.filter(owner=c.coordinator).delete()
    client = _client_for(c.coordinator)
    for export_format in ExportJob.Format.values:
        data = EXPORT | {"unit_id": c.clinic.pk, "format": export_format}
        client.post(reverse("followup:export_new"), data)
    c.jobs = list(ExportJob.objects.filter(owner=c.coordinator, state=ExportJob.State.DONE))
    assert len(c.jobs) == len(ExportJob.Format.values)


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- The walk --------------------------------------------------------------------------------

ARGUMENTS = {
    # a URL argument's name: the values the walk asks about
    "person_id": lambda c: [c.patient.pk],
    "episode_id": lambda c: [c.episode.pk, c.closed_episode.pk],
    "consent_id": lambda c: [c.consent.pk],
    "assessment_id": lambda c: [c.assessment.pk],
    "outcome_id": lambda c: [c.outcome.pk],
    "instrument": lambda c: ["audit", "dudit"],
    "referral_id": lambda c: [
        c.linked_referral.pk,
        c.protected_referral.pk,
        c.plain_referral.pk,
        c.social_services_referral.pk,
    ],
    "unit_id": lambda c: [c.clinic.pk, c.other_unit.pk],
    "job_id": lambda c: [job.pk for job in c.jobs],
    "slug": lambda c: [c.clinic.slug],
    "block_id": lambda c: [c.block.pk],
    "contact_id": lambda c: [c.contact.pk],
    "drug_test_id": lambda c: [c.drug_test.pk],
    "dispensing_id": lambda c: [c.dispensing.pk],
    "relative_id": lambda c: [c.relative.pk],
    "conference_id": lambda c: [c.conference.pk],
    "item_id": lambda c: [c.conference_item.pk],
    "alert_id": lambda c: [c.alert.pk],
    "booking_id": lambda c: [c.booking.pk],
    "session_id": lambda c: [c.session.pk],
    "token": lambda c: [c.feed_token],  # the nurse's calendar feed (public, by its token)
    # The MFA pages (core/mfa/) show no person: no one's device is found (404).
    "device_id": lambda c: [0],
    # governance (no person on any of its pages)
    "agreement_id": lambda c: [c.agreement.pk],
    "version_id": lambda c: [c.agreement_version.pk],
    "group_id": lambda c: [c.steering_group.pk],
    "check_id": lambda c: [c.agreement.checklist.first().pk],
    "position_id": lambda c: [c.position.pk],
    "cost_id": lambda c: [c.cost.pk],
    "target_id": lambda c: [c.target.pk],
    "deviation_id": lambda c: [c.deviation.pk],
    "dispute_id": lambda c: [c.dispute.pk],
    "meeting_id": lambda c: [c.meeting.pk],
    "decision_id": lambda c: [c.decision.pk],
    "step_id": lambda c: [c.step.pk],
    "consultation_id": lambda c: [c.consultation.pk],
    "named_contact_id": lambda c: [c.contact_person.pk],
    # surveys (anonymous answers: no person on any of their pages)
    "questionnaire": lambda c: ["persons", "relatives"],
    "code": lambda c: ["ABCD2345"],
    "proposal_id": lambda c: [0],
}
QUERIES = {
    # a URL's name: the query strings it is asked with (else none)
    "people:search": lambda c: [{"q": c.patient.family_name}, {"q": c.patient.identity_number}],
    "care:caseload": lambda c: [{}, {"scope": "unit"}],
    "access:log_review": lambda c: [{}, {"protected_identity": "on"}],
    "plans:sip_print": lambda c: [{}],
    # the calendars on the week of the booking with the protected address as its place
    "bookings:calendar": lambda c: [{"view": "week", "day": _booking_day(c)}],
    "bookings:unit_calendar": lambda c: [{"view": "week", "day": _booking_day(c)}],
}


def _booking_day(c) -> str:
    return timezone.localdate(c.booking.starts_at).isoformat()


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    arguments: tuple[str, ...]


def url_patterns(resolver=None, prefix="", route="", arguments=()):
    """Every URL pattern of the project: its name (namespaced), route and argument names."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        here = route + str(entry.pattern)
        names = (*arguments, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if (entry.namespace or "") in NOT_WALKED:
                continue
            yield from url_patterns(entry, namespace, here, names)
        elif isinstance(entry, URLPattern):
            if entry.name in NOT_WALKED:
                continue
            assert entry.name, f"the URL {here} has no name, so the walk cannot reverse it"
            yield Pattern(f"{prefix}{entry.name}", here, names)


def urls_to_walk(c) -> list[tuple[str, str, dict]]:
    """(pattern name, path, query) for every URL pattern and every argument value."""
    walk = []
    for pattern in url_patterns():
        missing = [a for a in pattern.arguments if a not in ARGUMENTS]
        assert not missing, (
            f"cannot walk {pattern.name} ({pattern.route}): no value for {missing}; "
            "teach ARGUMENTS in tests/test_protected_identity.py"
        )
        values = [ARGUMENTS[a](c) for a in pattern.arguments]
        for combination in itertools.product(*values):
            kwargs = dict(zip(pattern.arguments, combination, strict=True))
            path = reverse(pattern.name, kwargs=kwargs)
            for query in QUERIES.get(pattern.name, lambda c: [{}])(c):
                walk.append((pattern.name, path, query))
    return walk


def text_of(response) -> str:
    """What a response shows: the page, or the text of a PDF, spreadsheet or CSV file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        reader = pypdf.PdfReader(io.BytesIO(content))
        return " ".join(page.extract_text() for page in reader.pages)
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = (v for s in book for row in s.iter_rows(values_only=True) for v in row)
        return " ".join(str(v) for v in cells if v is not None)
    if kind.startswith("text/csv"):
        return " ".join(" ".join(row) for row in csv.reader(io.StringIO(content.decode())))
    return content.decode(errors="replace")


def squeezed(text: str) -> str:
    """TEXT without white space: a PDF or a table cell may wrap a phone number anywhere."""
    return "".join(text.split())


def found_secrets(text: str) -> list[str]:
    whole = squeezed(text)
    return [s for s in SECRETS if s in text or squeezed(s) in whole]


def client_as(client, c, actor):
    user = c.users.get(actor)
    if user is not None:
        client.force_login(user)
        if user.memberships.filter(unit=c.clinic).exists():
            session = client.session
            session[ACTIVE_UNIT_SESSION_KEY] = c.clinic.pk
            session.save()
    return client


@dataclass
class Answer:
    name: str
    path: str
    query: dict
    status: int
    text: str


def walk(client, c, actor) -> list[Answer]:
    client_as(client, c, actor)
    answers = []
    for name, path, query in urls_to_walk(c):
        response = client.get(path, query)
        assert response.status_code < 500, f"{path} {query} answered {response.status_code}"
        text = text_of(response) if response.status_code == 200 else ""
        answers.append(Answer(name, path, query, response.status_code, text))
    return answers


# --- The tests -------------------------------------------------------------------------------

NOT_ALLOWED = [a for a in ACTORS if a not in ALLOWED]


@pytest.mark.parametrize("actor", NOT_ALLOWED)
def test_no_page_or_document_shows_a_protected_persons_contact_details_to(client, world, actor):
    leaks = [
        f"{a.path} {a.query}: {found_secrets(a.text)}"
        for a in walk(client, world, actor)
        if found_secrets(a.text)
    ]
    assert leaks == [], f"{actor} sees protected contact details on:\n" + "\n".join(leaks)


# Pages that answer the clinic's coordinator something else than 200 on every argument, and why.
NOT_A_PAGE_FOR_THE_COORDINATOR = {
    "logout": "POST only",
    "core:switch_unit": "POST only",
    "intake:wait": "POST only",
    "followup:export_new": "POST only",
    "governance:approve": "POST only",
    "governance:deviation_close": "POST only",
    "governance:dispute_settlement": "POST only",
    "governance:cycle_step_done": "POST only",
    "governance:contact_remove": "POST only",
    "governance:consultation_close": "POST only",
    "governance:consultation_deviation": "POST only",
    "care:episode_reactivate": "the coordinator is not a member where the episode closed",
    "mfa:recovery": "POST only",
    "mfa:remove_app": "the coordinator has no such device",
    "mfa:remove_passkey": "the coordinator has no such device",
    "otp_webauthn:credential-registration-begin": "POST only (the passkey script's JSON)",
    "otp_webauthn:credential-registration-complete": "POST only (the passkey script's JSON)",
    "otp_webauthn:credential-authentication-begin": "POST only (the passkey script's JSON)",
    "otp_webauthn:credential-authentication-complete": "POST only (the passkey script's JSON)",
    "oidc_login": "redirects to an identity provider (none is configured here)",
    "oidc_callback": "an identity provider's answer: redirects to the login page",
    "surveys:index": "redirects to the active unit's survey page",
    "surveys:kiosk_start": "POST only",
    "surveys:kiosk_stop": "POST only",
    "surveys:code_new": "POST only",
    "surveys:code_slip": "no slip made: redirects to the unit's survey page",
    "surveys:kiosk": "no kiosk runs in the coordinator's session (404)",
    "surveys:kiosk_answer": "no kiosk runs in the coordinator's session (404)",
    "surveys:kiosk_thanks": "no kiosk runs in the coordinator's session (404)",
    "surveys:code_answer": "no such code (refused, 404)",
    "surveys:proposal_answer": "no proposal in this world (404)",
    "surveys:proposal_edit": "no proposal in this world (404)",
    "surveys:meeting_edit": "no user council meeting in this world (404)",
}

SHOWN_TO_THE_ALLOWED = {
    # a page: the details it shows to the allowed roles
    "people:overview": [*PERSON.values(), *RELATIVE.values()],
    "people:history": [*PERSON.values(), *RELATIVE.values()],
    "intake:detail": [PERSON["phone"], RELATIVE["phone"], *REFERRAL.values()],
    "intake:accept": [REFERRAL["contact"]],  # the form starts from the referral's contact
    "people:edit": list(PERSON.values()),  # the form starts from the saved details
    "people:changes": [*PERSON.values(), *RELATIVE.values()],
}


@pytest.mark.parametrize("actor", ALLOWED)
def test_the_coordinators_at_the_unit_see_the_contact_details_on_the_pages_that_show_them(
    client, world, actor
):
    run_exports(world)
    answers = walk(client, world, actor)
    for name, expected in SHOWN_TO_THE_ALLOWED.items():
        seen = set().union(*(found_secrets(a.text) for a in answers if a.name == name))
        assert set(expected) <= seen, f"{name} does not show {set(expected) - seen} to {actor}"
    exports = [a for a in answers if a.name == "followup:export_download" and a.status == 200]
    assert all(found_secrets(a.text) == [] for a in exports)  # aggregates, for anyone
    if actor == "coordinator_region":  # the owner of the exports: every page answers them
        assert len(exports) == len(ExportJob.Format.values)
        answered = {a.name for a in answers if a.status == 200}
        unanswered = {a.name for a in answers} - answered - set(NOT_A_PAGE_FOR_THE_COORDINATOR)
        assert unanswered == set(), f"the walk reached nothing on {unanswered}"


def test_the_walk_covers_every_url_pattern_but_the_admin_site(world):
    names = {name for name, _path, _query in urls_to_walk(world)}
    for expected in ("people:overview", "intake:detail", "plans:sip_pdf", "timeline:page"):
        assert expected in names
    assert "followup:export_download" in names and "access:log_extract" in names


def test_the_admin_site_registers_no_model_with_a_persons_contact_details():
    from django.contrib import admin

    from helhet.people.models import Person, Relative

    assert not {Person, Relative, Referral} & set(admin.site._registry)


# --- Hole 3: the referral page --------------------------------------------------------------


def test_the_referral_page_hides_a_protected_persons_phone_from_the_units_nurse(client, world):
    """Issue 14, hole 3: /referrals/<id>/ showed the telephone number to all of the unit."""
    client_as(client, world, "nurse_region")
    response = client.get(reverse("intake:detail", args=[world.linked_referral.pk]))
    assert response.status_code == 200
    assert PERSON["phone"] not in response.text and RELATIVE["phone"] not in response.text
    assert "Protected identity — contact details hidden" in response.text


def test_the_referral_page_shows_a_protected_persons_phone_to_the_units_coordinator(client, world):
    client_as(client, world, "coordinator_region")
    response = client.get(reverse("intake:detail", args=[world.linked_referral.pk]))
    assert PERSON["phone"] in response.text and RELATIVE["phone"] in response.text


def test_a_referral_marked_protected_hides_its_contact_details_until_accepted(client, world):
    client_as(client, world, "nurse_region")
    detail = client.get(reverse("intake:detail", args=[world.protected_referral.pk])).text
    accept = client.get(reverse("intake:accept", args=[world.protected_referral.pk])).text
    assert found_secrets(detail) == [] and found_secrets(accept) == []


def test_an_unprotected_referral_shows_its_contact_details_to_the_unit(client, world):
    client_as(client, world, "nurse_region")
    response = client.get(reverse("intake:detail", args=[world.plain_referral.pk]))
    assert PLAIN_CONTACT in response.text


def test_the_walk_reads_text_out_of_a_pdf(client, world):
    """The control for the PDFs: the SIP's PDF names the person for anyone who reads it."""
    client_as(client, world, "nurse_region")
    response = client.get(reverse("plans:sip_pdf", args=[world.patient.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert world.patient.family_name in text_of(response)
