"""No double write (core/submissions.py): every create form carries a one-time key; the same
POST sent again is answered with the first one's redirect and writes nothing, a new key is a
new submission."""

import datetime
import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Block, Consent, EmergencyAccess
from helhet.assessments.models import Assessment
from helhet.care.models import CaseTeamMember, Episode
from helhet.contacts.models import Contact, DrugTest, MedicationDispensing
from helhet.core import submissions
from helhet.core.submissions import Submission, new_key
from helhet.followup.models import ExportJob
from helhet.intake.models import Referral
from helhet.people.models import Person, Relative
from helhet.plans.models import PlanVersion, SipMeeting, SipVersion

from .. import factories as f
from ..access.test_consent import consent_data
from ..assessments.test_correction import ANSWERS as CORRECTED
from ..assessments.test_correction import post_data as correction_data
from ..assessments.test_pages import post_data as assessment_data
from ..assessments.utils import audit_without_raise
from ..contacts.test_drop_in import post_data as drop_in_data
from ..contacts.test_record_contact import form_data as contact_data
from ..followup.test_exports import unit_export
from ..intake.test_pages import accept_data
from ..intake.test_public import message
from ..people.test_register import form as register_data
from ..people.utils import log_in
from ..plans.conftest import save_sip
from ..plans.test_sip_pages import form_data as sip_data
from ..plans.test_treatment_plans import plan_form

SERIAL = itertools.count()


def an_hour_ago() -> str:
    return (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def coordination(c):
    f.ConsentFactory(person=c.patient, unit=c.clinic, recorded_by=c.nurse, coordination=True)


def sip_made(c):
    coordination(c)
    save_sip(c)


def nurse_at_other_unit(c):
    f.MembershipFactory(user=c.nurse, unit=c.other_unit)
    c.other_unit.age_max = None
    c.other_unit.save()


def referral_received(c):
    c.referral = f.ReferralFactory(unit=c.clinic, registered_by=c.nurse)


def assessment_recorded(c):
    Person.objects.filter(pk=c.patient.pk).update(legal_sex="female")
    c.assessment = f.AssessmentFactory(
        person=c.patient, unit=c.clinic, recorded_by=c.nurse, answers=CORRECTED
    )


def person_url(name: str, *args) -> Callable[[Any], str]:
    return lambda c: reverse(name, args=[c.patient.pk, *args])


@dataclass
class Form:
    """A create form: who sends it, where, with what data, and the rows it makes."""

    url: Callable[[Any], str]
    data: Callable[[Any], dict]
    model: type
    user: str | None = "nurse"
    unit: str = "clinic"
    prepare: Callable[[Any], None] = lambda c: None
    # Rows after two submissions with different keys (the domain refuses some twice over).
    twice: int = 2
    logged: bool = True  # a log row for each submission (the follow-up names no person)


FORMS = {
    "contact": Form(person_url("contacts:new"), contact_data, Contact),
    "relative": Form(
        person_url("people:relative_add"),
        lambda c: {"name": "Bo Bror", "relation": "brother"},
        Relative,
        twice=3,  # the county's relative and two brothers
    ),
    "consent": Form(
        person_url("access:consent_new"), lambda c: consent_data(c, coordination=None), Consent
    ),
    "drug test": Form(
        person_url("contacts:drug_test_new"),
        lambda c: {"taken_at": an_hour_ago(), "sample": "saliva", "result_opiates": "negative"},
        DrugTest,
    ),
    "dispensing": Form(
        person_url("contacts:dispensing_new"),
        lambda c: {
            "medication": "Metadon oral lösning 1 mg/ml",
            "dose": "60",
            "dose_unit": "ml",
            "handed_out_at": an_hour_ago(),
            "handed_out_by": c.coordinator.pk,
        },
        MedicationDispensing,
    ),
    "referral": Form(
        lambda c: reverse("intake:register"),
        lambda c: {
            "source": "psychiatry",
            "referrer": "Dr. Berg, Vuxenpsykiatrin",
            "name": "Nils Nyman",
            "question": "Psychosis and amphetamine use.",
            "urgency": "urgent",
            "received_on": timezone.localdate().isoformat(),
        },
        Referral,
        user="social_worker",
    ),
    "self-referral": Form(
        lambda c: reverse("intake:self_referral", args=[c.clinic.slug]),
        lambda c: message(),
        Referral,
        user=None,
        logged=False,
    ),
    "person": Form(lambda c: reverse("people:register"), register_data, Person, twice=2),
    "episode": Form(
        person_url("care:episode_open"),
        lambda c: {"opened_on": "2026-11-01"},
        Episode,
        unit="other_unit",
        prepare=nurse_at_other_unit,
        twice=2,  # the county's episode and the one opened; a second open one is refused
    ),
    "case team member": Form(
        lambda c: reverse("care:case_team_add", args=[c.patient.pk, c.episode.pk]),
        lambda c: {"user": c.social_worker.pk, "role": "case_manager"},
        CaseTeamMember,
        twice=1,  # adding again changes the role
    ),
    "emergency access": Form(
        lambda c: reverse("access:emergency"),
        lambda c: {
            "identity_number": c.patient.identity_number,
            "reason_kind": "cannot_consent",
            "reason": "Unconscious at the emergency department, no relative reachable.",
            "hours": "2",
        },
        EmergencyAccess,
        user="outsider",
        unit="other_unit",
    ),
    "block": Form(
        person_url("access:blocks"),
        lambda c: {"requested_on": timezone.localdate().isoformat(), "person_asked": "on"},
        Block,
        twice=1,  # one block in force per organisation and unit
    ),
    "assessment": Form(
        person_url("assessments:new", "audit"),
        lambda c: assessment_data(audit_without_raise(7)),
        Assessment,
    ),
    # A plan's next version starts from the last one: a row as it was is no new row.
    "assessment correction": Form(
        lambda c: reverse("assessments:correct", args=[c.patient.pk, c.assessment.pk]),
        lambda c: correction_data(audit_without_raise(7)),
        Assessment,
        prepare=assessment_recorded,
        twice=2,  # the earlier one and its correction; the corrected one is not corrected again
    ),
    "referral accepted": Form(
        lambda c: reverse("intake:accept", args=[c.referral.pk]),
        accept_data,
        Person,
        prepare=referral_received,
        twice=2,  # the county's patient and the one accepted; an accepted referral is closed
        logged=False,  # (a decided referral is "not found", unlogged like any unit-level 404)
    ),
    "treatment plan": Form(
        person_url("plans:plan_edit"),
        lambda c: plan_form(
            **{
                "items-1-description": f"Samtal {next(SERIAL)}",
                "version": PlanVersion.objects.count(),  # the form of the plan saved last
            }
        ),
        PlanVersion,
    ),
    "SIP": Form(
        person_url("plans:sip_new"),
        lambda c: sip_data(
            c,
            **{
                "interventions-1-description": f"Stöd {next(SERIAL)}",
                "interventions-1-responsible_organisation": c.municipality.pk,
                "version": SipVersion.objects.count(),  # the form of the SIP saved last
            },
        ),
        SipVersion,
        prepare=coordination,
    ),
    "SIP meeting": Form(
        person_url("plans:sip_meeting_new"),
        lambda c: {
            "caller": c.social_worker.pk,
            "held_on": "2026-02-01",
            "invitees": "Tolvan",
            "minutes": "Vi gick igenom planen.",
            "next_follow_up_on": "2026-04-01",
        },
        SipMeeting,
        prepare=sip_made,
    ),
    "follow-up export": Form(
        lambda c: reverse("followup:export_new"),
        lambda c: unit_export(c, "csv"),
        ExportJob,
        user="manager",
        logged=False,
    ),
    "drop-in": Form(
        lambda c: reverse("contacts:drop_in"),
        lambda c: drop_in_data(c, [{"who": c.patient.identity_number, "attended": "on"}]),
        Contact,
    ),
}


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def sender(county, form: Form) -> Client:
    form.prepare(county)
    client = Client()
    if form.user is not None:
        log_in(client, getattr(county, form.user), getattr(county, form.unit))
    return client


@pytest.fixture(params=FORMS, ids=str)
def create_form(request):
    return FORMS[request.param]


def test_the_same_form_sent_twice_saves_once_and_answers_with_the_first_result(county, create_form):
    client, key = sender(county, create_form), new_key()
    data = create_form.data(county) | {"submission": key}
    first = client.post(create_form.url(county), data)
    assert first.status_code == 302, first.content.decode()[:3000]
    rows, logged = create_form.model.objects.count(), AccessLogEntry.objects.count()

    again = client.post(create_form.url(county), data)

    assert (again.status_code, again["Location"]) == (302, first["Location"])
    assert "This was already saved." in told(again)
    assert create_form.model.objects.count() == rows
    assert AccessLogEntry.objects.count() == logged
    assert Submission.objects.get(key=key).result_url == first["Location"]


def test_the_same_form_with_a_new_key_is_a_new_submission(county, create_form):
    client = sender(county, create_form)
    for _time in range(2):
        logged = AccessLogEntry.objects.count()
        data = create_form.data(county) | {"submission": new_key()}
        response = client.post(create_form.url(county), data)
        assert "This was already saved." not in told(response)
        assert AccessLogEntry.objects.count() > logged or not create_form.logged
    assert create_form.model.objects.count() == create_form.twice


def test_every_create_form_page_carries_a_fresh_key(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:new", args=[county.patient.pk])
    keys = [client.get(url).text.split('name="submission" value="')[1][:65] for _ in range(2)]
    assert keys[0] != keys[1] and all(re.fullmatch('[0-9a-f]{64}"', key) for key in keys)
    public = client.get(reverse("intake:self_referral", args=[county.clinic.slug])).text
    assert 'type="hidden" name="submission"' in public


def test_a_form_sent_back_with_errors_leaves_the_key_free_for_the_corrected_one(client, county):
    log_in(client, county.nurse, county.clinic)
    url, key = reverse("contacts:new", args=[county.patient.pk]), new_key()
    wrong = client.post(url, contact_data(county, kind="nonsense") | {"submission": key})
    assert wrong.status_code == 200 and not Contact.objects.exists()
    assert not Submission.objects.exists()
    assert AccessLogEntry.objects.filter(action="read", what="contact form").count() == 1
    right = client.post(url, contact_data(county) | {"submission": key})
    assert right.status_code == 302 and Contact.objects.count() == 1


def test_a_refused_request_frees_the_key_and_keeps_its_log_row(client, county):
    log_in(client, county.outsider, county.other_unit)
    key = new_key()
    url = reverse("contacts:new", args=[county.patient.pk])
    assert client.post(url, contact_data(county) | {"submission": key}).status_code == 404
    assert not Submission.objects.exists() and not Contact.objects.exists()
    assert AccessLogEntry.objects.filter(action="refused", user=county.outsider).exists()


def test_a_form_without_a_key_is_handled_as_before_and_not_protected(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:new", args=[county.patient.pk])
    for _time in range(2):
        assert client.post(url, contact_data(county)).status_code == 302
    assert Contact.objects.count() == 2 and not Submission.objects.exists()


@pytest.mark.parametrize("key", ["short", "x" * 65, "no spaces allowed in a key at all"])
def test_a_key_that_is_not_ours_is_refused_with_the_reason(client, county, key):
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:new", args=[county.patient.pk])
    response = client.post(url, contact_data(county) | {"submission": key})
    assert response.status_code == 400
    assert "submission key is not valid" in response.text
    assert not Contact.objects.exists()


def test_another_users_key_gives_them_nothing_of_the_first_result(client, county):
    url, key = reverse("contacts:new", args=[county.patient.pk]), new_key()
    log_in(client, county.nurse, county.clinic)
    assert client.post(url, contact_data(county) | {"submission": key}).status_code == 302
    log_in(client, county.social_worker, county.clinic)
    response = client.post(url, contact_data(county) | {"submission": key})
    assert response.status_code == 400 and "already sent" in response.text
    assert Contact.objects.count() == 1


def test_the_answer_is_in_the_users_language(client, county):
    log_in(client, county.nurse, county.clinic)
    client.cookies["django_language"] = "sv"
    url, key = reverse("contacts:new", args=[county.patient.pk]), new_key()
    client.post(url, contact_data(county) | {"submission": key})
    again = client.post(url, contact_data(county) | {"submission": key}, follow=True)
    assert "Det här var redan sparat." in again.text


def test_keys_older_than_a_day_are_forgotten(county):
    now = timezone.now()
    old = Submission.objects.create(key=new_key(), created_at=now - datetime.timedelta(hours=25))
    young = Submission.objects.create(key=new_key(), created_at=now - datetime.timedelta(hours=23))
    assert submissions.forget_old(now) == 1
    assert list(Submission.objects.all()) == [young]
    assert not Submission.objects.filter(pk=old.pk).exists()


def test_helhet_remind_forgets_the_keys_older_than_a_day(county):
    old = timezone.now() - datetime.timedelta(days=2)
    Submission.objects.create(key=new_key(), created_at=old)
    young = Submission.objects.create(key=new_key())
    out = StringIO()
    call_command("remind", "--now", stdout=out)
    assert "Forgot 1 form submission keys older than a day." in out.getvalue()
    assert list(Submission.objects.all()) == [young]


# --- Copies at the same time (PostgreSQL: each thread its own connection) ---------------------


def _at_once(count: int, send: Callable[[], int]) -> list[int]:
    """Run SEND in COUNT threads released together; their answers' status codes."""
    barrier, answers = threading.Barrier(count), []

    def run():
        try:
            barrier.wait()
            answers.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one writer at a time"
)


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_copies_of_one_form_sent_at_the_same_time_save_one_contact(county):
    url, data = reverse("contacts:new", args=[county.patient.pk]), contact_data(county)
    data["submission"] = new_key()
    before = AccessLogEntry.objects.count()

    def send() -> int:
        client = log_in(Client(), county.nurse, county.clinic)
        response = client.post(url, data)
        assert response["Location"] == reverse("contacts:list", args=[county.patient.pk])
        return response.status_code

    assert _at_once(3, send) == [302, 302, 302]
    assert Contact.objects.count() == 1
    assert AccessLogEntry.objects.filter(pk__gt=before, action="create").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_recording_a_coordination_consent_at_once_record_one(county):
    url = reverse("access:consent_new", args=[county.patient.pk])
    users = iter([county.nurse, county.coordinator])
    lock = threading.Lock()

    def send() -> int:
        with lock:
            user = next(users)
        client = log_in(Client(), user, county.clinic)
        return client.post(url, consent_data(county) | {"submission": new_key()}).status_code

    assert _at_once(2, send) == [200, 302]
    assert Consent.objects.filter(coordination=True).count() == 1
