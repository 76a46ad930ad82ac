"""Deviations between the authorities (issue 17, item 4): reported by any member of staff at a
unit under an agreement, addressed to another party's function, answered by that party's
managers and coordinators by the agreement's deadline, escalated to the steering group after
it; about a person only through the access layer, the identity shown to the other party only
under a consent disclosing the enrolment, every read logged."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from helhet.access import policy
from helhet.access.log import Actor
from helhet.access.models import Basis
from helhet.core.models import Membership
from helhet.governance import actions, deviations
from helhet.governance.models import Deviation
from helhet.reminders.models import Reminder
from helhet.reminders.refresh import refresh_unit
from helhet.reminders.selectors import task_list
from tests import factories as f
from tests.log_rows import rows_about

TODAY = timezone.localdate


def report(g, *, person=False, user=None, **changes):
    user = user or g.nurse
    access = None
    if person:
        access = _access(g, user)
    data = {
        "addressed_to": g.municipality,
        "function": "Enhetschef socialtjänsten",
        "category": Deviation.Category.HANDOVER,
        "happened_on": TODAY() - datetime.timedelta(days=2),
        "description": "Ingen överlämning vid utskrivning.",
    }
    return actions.deviation_report(actor=Actor(user, g.clinic), access=access, **(data | changes))


def _access(g, user):
    request = RequestFactory().get("/")
    request.user, request.unit = user, g.clinic
    request.memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    return policy.person_access(request, g.patient.pk)


def test_staff_report_with_the_deadline_of_the_agreement_in_force(gov):
    done = report(gov)
    assert done.status == Deviation.Status.REPORTED
    assert done.agreement == gov.agreement
    assert done.reporting_party == gov.region
    assert done.answer_by == TODAY() + datetime.timedelta(days=gov.v1.deviation_answer_days)


def test_a_deviation_goes_to_another_party_only(gov):
    with pytest.raises(ValidationError):
        report(gov, addressed_to=gov.region)
    assert not Deviation.objects.exists()


def test_someone_without_a_membership_at_the_unit_may_not_report(gov):
    with pytest.raises(ValidationError):
        report(gov, user=gov.steering)
    with pytest.raises(ValidationError):
        report(gov, user=gov.outsider)
    assert not Deviation.objects.exists()


def test_a_unit_without_an_agreement_in_force_has_no_deviations(gov):
    with pytest.raises(ValidationError):
        actions.deviation_report(
            actor=Actor(gov.outsider, gov.other_unit),
            addressed_to=gov.municipality,
            function="x",
            category="money",
            happened_on=TODAY(),
            description="x",
        )


def test_a_deviation_about_a_person_is_logged_as_the_reporters_write(gov):
    done = report(gov, person=True)
    assert done.person == gov.patient
    assert rows_about(gov.patient, action="write", what="deviation reported", user=gov.nurse)


# --- who may see ------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["nurse", "manager", "steering"])
def test_the_reporter_the_addressed_manager_and_the_steering_group_see_it(client, gov, actor):
    done = report(gov)
    client.force_login(getattr(gov, actor))
    assert client.get(reverse("governance:deviation", args=[done.pk])).status_code == 200
    page = client.get(reverse("governance:deviations"))
    assert reverse("governance:deviation", args=[done.pk]) in page.content.decode()


@pytest.mark.parametrize(
    "actor", ["social_worker", "coordinator", "outsider", "other_manager", "admin"]
)
def test_no_one_else_sees_it(client, gov, actor):
    # the coordinator is the reporting party's, not the addressed one's: the reporter's own
    done = report(gov)
    client.force_login(getattr(gov, actor))
    assert client.get(reverse("governance:deviation", args=[done.pk])).status_code == 404
    page = client.get(reverse("governance:deviations"))
    assert reverse("governance:deviation", args=[done.pk]) not in page.content.decode()


def test_anonymous_visitors_get_the_login_page(client, gov):
    done = report(gov)
    assert client.get(reverse("governance:deviation", args=[done.pk])).status_code == 302


# --- the person's identity ----------------------------------------------------------------


def _page(client, user, deviation):
    client.force_login(user)
    return client.get(reverse("governance:deviation", args=[deviation.pk])).content.decode()


def test_without_consent_the_other_party_does_not_see_who_it_is(client, gov):
    done = report(gov, person=True)
    before = len(rows_about(gov.patient))
    page = _page(client, gov.manager, done)
    assert "Tolvansson" not in page
    assert "Region Testland" in page  # "a person (identity held by Region Testland)"
    assert len(rows_about(gov.patient)) == before  # nothing read, nothing logged


def test_with_consent_the_other_party_sees_who_it_is_and_the_read_is_logged(
    client, gov, consent_for_coordination
):
    done = report(gov, person=True)
    page = _page(client, gov.manager, done)
    assert "Tolvansson" in page
    rows = rows_about(gov.patient, action="read", what="deviation", user=gov.manager)
    assert len(rows) == 1
    assert rows[0].basis == Basis.CONSENT
    assert rows[0].consent_id == consent_for_coordination.pk


def test_a_consent_disclosing_other_records_only_does_not_reveal_the_identity(gov):
    consent = f.ConsentFactory(
        person=gov.patient, unit=gov.clinic, recorded_by=gov.nurse, coordination=True
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=gov.region,
        to_organisation=gov.municipality,
        category="contacts",
    )
    grant = policy.identity_grant(
        gov.manager,
        person=gov.patient,
        owner_id=gov.region.pk,
        unit_id=gov.clinic.pk,
        on=TODAY(),
    )
    assert grant is None


def test_the_reporter_sees_who_it_is_on_their_own_organisations_basis(client, gov):
    done = report(gov, person=True)
    assert "Tolvansson" in _page(client, gov.nurse, done)
    rows = rows_about(gov.patient, action="read", what="deviation", user=gov.nurse)
    assert len(rows) == 1 and rows[0].basis == Basis.OWN_ORGANISATION


def test_the_steering_group_never_sees_who_it_is(client, gov, consent_for_coordination):
    done = report(gov, person=True)
    before = len(rows_about(gov.patient))
    page = _page(client, gov.steering, done)
    assert "Tolvansson" not in page
    assert len(rows_about(gov.patient)) == before


def test_the_identity_is_told_only_to_staff_of_the_unit_where_it_is_kept(gov):
    """The reporting organisation's staff at another unit (inner secrecy) and a steering-group
    member who is staff elsewhere are not told who the person is; staff at the unit are."""
    elsewhere = f.UserFactory(username="region_elsewhere", organisation=gov.region)
    f.MembershipFactory(user=elsewhere, unit=gov.other_unit, role=Membership.Role.MANAGER)
    f.MembershipFactory(user=gov.steering, unit=gov.other_unit)

    def told(user):
        return policy.identity_grant(
            user, person=gov.patient, owner_id=gov.region.pk, unit_id=gov.clinic.pk, on=TODAY()
        )

    assert told(elsewhere) is None
    assert told(gov.steering) is None
    assert told(gov.nurse) is not None  # the region's staff at the clinic
    f.MembershipFactory(user=elsewhere, unit=gov.clinic)
    assert told(elsewhere) is not None


def test_the_report_form_about_a_person_is_for_those_who_work_with_them(client, gov):
    url = reverse("governance:person_deviation_new", args=[gov.patient.pk])
    client.force_login(gov.nurse)
    assert client.get(url).status_code == 200
    client.force_login(gov.outsider)
    assert client.get(url).status_code == 404


def test_reporting_through_the_form(client, gov):
    client.force_login(gov.nurse)
    url = reverse("governance:person_deviation_new", args=[gov.patient.pk])
    data = {
        "addressed_to": gov.municipality.pk,
        "function": "Enhetschef",
        "category": "unanswered",
        "happened_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "description": "Konsultationen besvarades aldrig.",
    }
    answer = client.post(url, data)
    done = Deviation.objects.get()
    assert answer.status_code == 302
    assert done.person == gov.patient and done.category == "unanswered"


def test_a_form_with_the_future_date_re_renders(client, gov):
    client.force_login(gov.nurse)
    data = {
        "addressed_to": gov.municipality.pk,
        "function": "Enhetschef",
        "category": "money",
        "happened_on": (TODAY() + datetime.timedelta(days=3)).isoformat(),
        "description": "x",
    }
    page = client.post(reverse("governance:deviation_new"), data)
    assert page.status_code == 200
    assert not Deviation.objects.exists()


# --- answer, close, reopen -------------------------------------------------------------------


def test_the_addressed_manager_answers(client, gov):
    done = report(gov)
    client.force_login(gov.manager)
    url = reverse("governance:deviation", args=[done.pk])
    client.post(url, {"answer": "Vi har infört en rutin.", "measures": "Rutin för utskrivning."})
    done.refresh_from_db()
    assert done.status == Deviation.Status.ANSWERED
    assert done.answered_by == gov.manager and done.answered_on_time


@pytest.mark.parametrize("actor", ["nurse", "steering"])
def test_the_reporter_and_the_steering_group_do_not_answer(client, gov, actor):
    done = report(gov)
    client.force_login(getattr(gov, actor))
    url = reverse("governance:deviation", args=[done.pk])
    assert client.post(url, {"answer": "Svar"}).status_code == 404
    with pytest.raises(ValidationError):
        actions.deviation_answer(user=getattr(gov, actor), deviation_id=done.pk, answer="Svar")
    done.refresh_from_db()
    assert done.status == Deviation.Status.REPORTED


def test_the_reporter_closes_or_reopens_and_others_do_not(gov):
    done = report(gov)
    actions.deviation_answer(user=gov.manager, deviation_id=done.pk, answer="Svar")
    with pytest.raises(ValidationError):
        actions.deviation_close(user=gov.manager, deviation_id=done.pk)
    reopened = actions.deviation_close(user=gov.nurse, deviation_id=done.pk, reopen=True)
    assert reopened.status == Deviation.Status.REPORTED and reopened.reopened == 1
    with pytest.raises(ValidationError):
        actions.deviation_close(user=gov.nurse, deviation_id=done.pk)  # not answered
    actions.deviation_answer(user=gov.manager, deviation_id=done.pk, answer="Nytt svar")
    closed = actions.deviation_close(user=gov.nurse, deviation_id=done.pk)
    assert closed.status == Deviation.Status.CLOSED


# --- deadline: reminder before, escalation after ------------------------------------------


def _overdue(g):
    done = report(g)
    Deviation.objects.filter(pk=done.pk).update(answer_by=TODAY() - datetime.timedelta(days=1))
    done.refresh_from_db()
    return done


def test_past_the_deadline_it_is_escalated_on_the_steering_groups_page(client, gov):
    late, on_time = _overdue(gov), report(gov, category="money")
    assert list(Deviation.objects.overdue(TODAY())) == [late]
    client.force_login(gov.steering)
    page = client.get(reverse("governance:steering_group", args=[gov.group.pk]))
    escalated = list(page.context["escalated"])
    assert escalated == [late] and on_time not in escalated
    figures = {(r.party, r.reported, r.open, r.overdue) for r in page.context["figures"]}
    assert ("Testby kommun", 1, 1, 1) in figures and ("Testby kommun", 1, 1, 0) in figures


def test_figures_count_answers_on_time(gov):
    done = report(gov)
    actions.deviation_answer(user=gov.manager, deviation_id=done.pk, answer="Svar")
    late = _overdue(gov)
    actions.deviation_answer(user=gov.manager, deviation_id=late.pk, answer="Sent svar")
    [row] = deviations.figures(Deviation.objects.all(), TODAY())
    assert (row.reported, row.on_time, row.open, row.overdue) == (2, 1, 0, 0)


def test_a_reminder_before_the_deadline_for_the_addressed_party_only(gov):
    done = report(gov)
    refresh_unit(gov.clinic)
    assert not Reminder.objects.filter(kind=Reminder.Kind.DEVIATION_ANSWER_DUE).exists()
    Deviation.objects.filter(pk=done.pk).update(answer_by=TODAY() + datetime.timedelta(days=2))
    refresh_unit(gov.clinic)
    reminder = Reminder.objects.get(kind=Reminder.Kind.DEVIATION_ANSWER_DUE)
    assert reminder.organisation == gov.municipality and reminder.person is None
    mine = task_list(gov.manager, unit=gov.clinic, whole_unit=True)
    assert [r.source_id for r in mine.deviations.reminders] == [done.pk]
    for other in (gov.nurse, gov.coordinator, gov.social_worker):
        tasks = task_list(other, unit=gov.clinic, whole_unit=True)
        assert not tasks.deviations.reminders
    actions.deviation_answer(user=gov.manager, deviation_id=done.pk, answer="Svar")
    refresh_unit(gov.clinic)
    assert Reminder.objects.get(pk=reminder.pk).resolved_at is not None


def test_the_task_list_shows_the_deviation_to_answer(client, gov):
    done = report(gov)
    Deviation.objects.filter(pk=done.pk).update(answer_by=TODAY())
    refresh_unit(gov.clinic)
    client.force_login(gov.manager)
    page = client.get(reverse("reminders:mine") + "?scope=unit")
    assert reverse("governance:deviation", args=[done.pk]) in page.content.decode()
