"""Consultation across the boundary (issue 17, item 6): the parties' contact persons at a unit,
kept by each party's managers and coordinators and read by all staff there; a consultation asked
by a member of staff of one party of another, about a person or not, answered by the contact
person (or the party's managers and coordinators) within the agreement's days, closed by the
asker, reported as a deviation in one click once overdue. The person's identity reaches the
other party only under a consent disclosing the enrolment, every read logged."""

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
from helhet.governance import actions as governance
from helhet.governance import consultation_actions as actions
from helhet.governance.models import Consultation, ContactPerson, Deviation
from helhet.reminders.models import Reminder
from helhet.reminders.refresh import refresh_unit
from helhet.reminders.selectors import task_list
from tests import factories as f
from tests.log_rows import rows_about

from .conftest import propose

TODAY = timezone.localdate
QUESTION = "Vilket boendestöd kan erbjudas vid utskrivning?"


@pytest.fixture
def cons(gov):
    """GOV with the social worker named the municipality's contact person at the clinic."""
    gov.contact = actions.contact_add(
        actor=Actor(gov.manager, gov.clinic),
        user=gov.social_worker,
        function="Kontaktperson socialtjänsten",
    )
    return gov


def _access(g, user):
    request = RequestFactory().get("/")
    request.user, request.unit = user, g.clinic
    request.memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    return policy.person_access(request, g.patient.pk)


def ask(g, *, person=False, user=None, **changes):
    """A consultation asked by USER (the nurse) of the municipality's contact person."""
    user = user or g.nurse
    data = {"addressed_to": g.municipality, "contact": g.contact, "question": QUESTION}
    access = _access(g, user) if person else None
    return actions.consultation_ask(actor=Actor(user, g.clinic), access=access, **(data | changes))


# --- contact persons ---------------------------------------------------------------------


def test_a_partys_manager_names_its_contact_person_and_all_staff_of_the_unit_see_it(client, cons):
    assert (cons.contact.party, cons.contact.user) == (cons.municipality, cons.social_worker)
    for reader in (cons.nurse, cons.coordinator, cons.social_worker, cons.steering):
        client.force_login(reader)
        page = client.get(reverse("governance:contacts"))
        assert page.status_code == 200
        assert "Kontaktperson socialtjänsten" in page.content.decode()


def test_staff_of_a_unit_outside_the_agreement_do_not_see_the_contact_persons(client, cons):
    client.force_login(cons.outsider)
    page = client.get(reverse("governance:contacts"))
    assert "Kontaktperson socialtjänsten" not in page.content.decode()


def test_the_agreements_page_shows_the_contact_persons(client, cons):
    client.force_login(cons.coordinator)
    page = client.get(reverse("governance:agreement", args=[cons.agreement.pk]))
    assert "Kontaktperson socialtjänsten" in page.content.decode()


def test_the_coordinator_names_the_regions_contact_through_the_form(client, cons):
    client.force_login(cons.coordinator)
    data = {"user": cons.nurse.pk, "function": "Kontaktperson psykiatrin"}
    assert client.post(reverse("governance:contacts"), data).status_code == 302
    found = ContactPerson.objects.get(user=cons.nurse)
    assert (found.party, found.unit, found.recorded_by) == (
        cons.region,
        cons.clinic,
        cons.coordinator,
    )


def test_staff_who_are_not_managers_do_not_keep_the_contact_persons(client, cons):
    client.force_login(cons.nurse)
    data = {"user": cons.nurse.pk, "function": "Kontaktperson psykiatrin"}
    assert client.post(reverse("governance:contacts"), data).status_code == 404
    with pytest.raises(ValidationError):
        actions.contact_add(actor=Actor(cons.nurse, cons.clinic), user=cons.nurse, function="x")
    assert not ContactPerson.objects.filter(user=cons.nurse).exists()


def test_a_manager_names_only_staff_of_their_own_party(cons):
    with pytest.raises(ValidationError):
        actions.contact_add(
            actor=Actor(cons.manager, cons.clinic), user=cons.nurse, function="Kontaktperson"
        )


def test_a_manager_removes_their_partys_contact_person_and_not_the_others(client, cons):
    url = reverse("governance:contact_remove", args=[cons.contact.pk])
    client.force_login(cons.coordinator)  # the region's
    assert client.post(url).status_code == 404
    assert ContactPerson.objects.filter(pk=cons.contact.pk).exists()
    client.force_login(cons.manager)
    assert client.post(url).status_code == 302
    assert not ContactPerson.objects.filter(pk=cons.contact.pk).exists()


# --- asking --------------------------------------------------------------------------------


def test_staff_ask_the_contact_person_with_the_deadline_of_the_agreement_in_force(cons):
    done = ask(cons)
    assert (done.asking_party, done.addressed_to, done.contact) == (
        cons.region,
        cons.municipality,
        cons.social_worker,
    )
    assert done.function == "Kontaktperson socialtjänsten"
    assert done.answer_by == TODAY() + datetime.timedelta(days=cons.v1.consultation_answer_days)
    assert cons.v1.consultation_answer_days == 5


def test_the_deadline_follows_the_agreements_days_as_changed(cons):
    v2 = propose(cons.agreement, cons.coordinator, based_on=1, consultation_answer_days=3)
    governance.version_approve(user=cons.coordinator, version_id=v2.pk)
    governance.version_approve(user=cons.manager, version_id=v2.pk)
    assert ask(cons).answer_by == TODAY() + datetime.timedelta(days=3)


def test_a_question_to_the_partys_function_without_a_contact_person(cons):
    done = ask(cons, contact=None)
    assert done.contact is None and done.function


def test_a_consultation_goes_to_another_party_only(cons):
    with pytest.raises(ValidationError):
        ask(cons, addressed_to=cons.region, contact=None)
    assert not Consultation.objects.exists()


def test_the_contact_person_must_be_the_addressed_partys(cons):
    other = actions.contact_add(
        actor=Actor(cons.coordinator, cons.clinic), user=cons.nurse, function="Psykiatrin"
    )
    with pytest.raises(ValidationError):
        ask(cons, user=cons.social_worker, addressed_to=cons.region, contact=cons.contact)
    assert ask(cons, user=cons.social_worker, addressed_to=cons.region, contact=other).contact


def test_someone_without_a_membership_at_the_unit_may_not_ask(cons):
    for user in (cons.steering, cons.outsider):
        with pytest.raises(ValidationError):
            ask(cons, user=user)
    assert not Consultation.objects.exists()


def test_asking_about_a_person_is_logged_as_the_askers_write(cons):
    done = ask(cons, person=True)
    assert done.person == cons.patient
    assert rows_about(cons.patient, action="write", what="consultation asked", user=cons.nurse)


def test_the_form_about_a_person_is_for_those_who_work_with_them(client, cons):
    url = reverse("governance:person_consultation_new", args=[cons.patient.pk])
    client.force_login(cons.nurse)
    assert client.get(url).status_code == 200
    assert rows_about(cons.patient, action="read", what="consultation form", user=cons.nurse)
    client.force_login(cons.outsider)
    assert client.get(url).status_code == 404


def test_asking_through_the_form(client, cons):
    client.force_login(cons.nurse)
    url = reverse("governance:person_consultation_new", args=[cons.patient.pk])
    data = {"addressed_to": cons.municipality.pk, "contact": cons.contact.pk, "question": QUESTION}
    answer = client.post(url, data)
    done = Consultation.objects.get()
    assert answer.status_code == 302
    assert (done.person, done.contact) == (cons.patient, cons.social_worker)


def test_a_general_question_through_the_form_names_no_person(client, cons):
    client.force_login(cons.nurse)
    data = {"addressed_to": cons.municipality.pk, "question": QUESTION}
    assert client.post(reverse("governance:consultation_new"), data).status_code == 302
    assert Consultation.objects.get().person is None


def test_an_empty_question_re_renders_the_form(client, cons):
    client.force_login(cons.nurse)
    data = {"addressed_to": cons.municipality.pk, "question": "   "}
    page = client.post(reverse("governance:consultation_new"), data)
    assert page.status_code == 200
    assert not Consultation.objects.exists()


# --- who may see ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["nurse", "social_worker", "manager"])
def test_the_asker_the_contact_person_and_the_addressed_manager_see_it(client, cons, actor):
    done = ask(cons)
    client.force_login(getattr(cons, actor))
    url = reverse("governance:consultation", args=[done.pk])
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("governance:consultations")).content.decode()


@pytest.mark.parametrize("actor", ["coordinator", "steering", "outsider", "other_manager", "admin"])
def test_no_one_else_sees_it(client, cons, actor):
    # the coordinator is the asking party's, not the addressed one's: the asker's colleague
    done = ask(cons)
    client.force_login(getattr(cons, actor))
    url = reverse("governance:consultation", args=[done.pk])
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("governance:consultations")).content.decode()


def test_a_staff_member_of_the_addressed_party_who_is_not_the_contact_does_not_see_it(client, cons):
    colleague = f.UserFactory(username="colleague", organisation=cons.municipality)
    f.MembershipFactory(user=colleague, unit=cons.clinic)
    done = ask(cons)
    client.force_login(colleague)
    assert client.get(reverse("governance:consultation", args=[done.pk])).status_code == 404


def test_anonymous_visitors_get_the_login_page(client, cons):
    done = ask(cons)
    assert client.get(reverse("governance:consultation", args=[done.pk])).status_code == 302


# --- the person's identity ---------------------------------------------------------------


def _page(client, user, consultation):
    client.force_login(user)
    url = reverse("governance:consultation", args=[consultation.pk])
    return client.get(url).content.decode()


def test_without_consent_the_contact_person_does_not_see_who_it_is(client, cons):
    done = ask(cons, person=True)
    before = len(rows_about(cons.patient))
    page = _page(client, cons.social_worker, done)
    assert "Tolvansson" not in page
    assert "Region Testland" in page  # "a person (identity held by Region Testland)"
    assert QUESTION in page  # answerable without the identity
    assert len(rows_about(cons.patient)) == before


def test_with_consent_the_contact_person_sees_who_it_is_and_the_read_is_logged(
    client, cons, consent_for_coordination
):
    done = ask(cons, person=True)
    assert "Tolvansson" in _page(client, cons.social_worker, done)
    rows = rows_about(cons.patient, action="read", what="consultation", user=cons.social_worker)
    assert len(rows) == 1
    assert (rows[0].basis, rows[0].consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_asker_sees_who_it_is_on_their_own_organisations_basis(client, cons):
    done = ask(cons, person=True)
    assert "Tolvansson" in _page(client, cons.nurse, done)
    rows = rows_about(cons.patient, action="read", what="consultation", user=cons.nurse)
    assert len(rows) == 1 and rows[0].basis == Basis.OWN_ORGANISATION


def test_the_list_never_names_the_person(client, cons, consent_for_coordination):
    ask(cons, person=True)
    client.force_login(cons.social_worker)
    assert "Tolvansson" not in client.get(reverse("governance:consultations")).content.decode()


# --- answer and close --------------------------------------------------------------------


def test_the_contact_person_answers(client, cons):
    done = ask(cons)
    client.force_login(cons.social_worker)
    url = reverse("governance:consultation", args=[done.pk])
    assert client.post(url, {"answer": "Boendestöd via biståndshandläggare."}).status_code == 302
    done.refresh_from_db()
    assert done.status == Consultation.Status.ANSWERED and done.answered_by == cons.social_worker


def test_the_addressed_manager_answers_a_question_to_the_function(cons):
    done = ask(cons, contact=None)
    answered = actions.consultation_answer(
        user=cons.manager, consultation_id=done.pk, answer="Svar"
    )
    assert answered.status == Consultation.Status.ANSWERED


@pytest.mark.parametrize("actor", ["nurse", "coordinator"])
def test_the_asking_party_does_not_answer(client, cons, actor):
    done = ask(cons)
    client.force_login(getattr(cons, actor))
    url = reverse("governance:consultation", args=[done.pk])
    assert client.post(url, {"answer": "Svar"}).status_code == 404
    with pytest.raises(ValidationError):
        actions.consultation_answer(user=getattr(cons, actor), consultation_id=done.pk, answer="x")
    done.refresh_from_db()
    assert done.status == Consultation.Status.ASKED


def test_the_asker_closes_and_the_contact_person_does_not(client, cons):
    done = ask(cons)
    url = reverse("governance:consultation_close", args=[done.pk])
    client.force_login(cons.social_worker)
    assert client.post(url).status_code == 404
    client.force_login(cons.nurse)
    assert client.post(url).status_code == 302
    done.refresh_from_db()
    assert done.status == Consultation.Status.CLOSED


# --- deadline: reminder before, overdue after, a deviation in one click --------------------


def _overdue(g, **changes):
    done = ask(g, **changes)
    Consultation.objects.filter(pk=done.pk).update(answer_by=TODAY() - datetime.timedelta(days=1))
    done.refresh_from_db()
    return done


def test_past_the_deadline_it_is_marked_overdue_on_the_list(client, cons):
    late, waiting = _overdue(cons), ask(cons)
    assert list(Consultation.objects.overdue(TODAY())) == [late]
    assert late.overdue and not waiting.overdue
    client.force_login(cons.nurse)
    page = client.get(reverse("governance:consultations")).content.decode()
    assert page.count('class="overdue"') == 1


def test_the_asker_reports_an_overdue_consultation_as_a_deviation_in_one_click(client, cons):
    late = _overdue(cons)
    url = reverse("governance:consultation_deviation", args=[late.pk])
    client.force_login(cons.nurse)
    answer = client.post(url)
    deviation = Deviation.objects.get()
    assert answer.status_code == 302 and answer.url == reverse(
        "governance:deviation", args=[deviation.pk]
    )
    assert (deviation.category, deviation.addressed_to, deviation.reported_by) == (
        Deviation.Category.UNANSWERED,
        cons.municipality,
        cons.nurse,
    )
    assert deviation.function == "Kontaktperson socialtjänsten" and deviation.person is None
    late.refresh_from_db()
    assert late.deviation == deviation and late.status == Consultation.Status.ASKED
    client.post(url)  # a second click reports nothing more
    assert Deviation.objects.count() == 1


def test_only_the_asker_reports_it_and_only_once_overdue(client, cons):
    waiting, late = ask(cons), _overdue(cons)
    client.force_login(cons.social_worker)
    url = reverse("governance:consultation_deviation", args=[late.pk])
    assert client.post(url).status_code == 404
    client.force_login(cons.nurse)
    client.post(reverse("governance:consultation_deviation", args=[waiting.pk]))
    assert not Deviation.objects.exists()


def test_a_reminder_before_the_deadline_for_the_contact_person_only(cons):
    done = ask(cons)
    refresh_unit(cons.clinic)
    assert not Reminder.objects.filter(kind=Reminder.Kind.CONSULTATION_ANSWER_DUE).exists()
    Consultation.objects.filter(pk=done.pk).update(answer_by=TODAY() + datetime.timedelta(days=1))
    refresh_unit(cons.clinic)
    reminder = Reminder.objects.get(kind=Reminder.Kind.CONSULTATION_ANSWER_DUE)
    assert reminder.organisation == cons.municipality and reminder.person is None
    mine = task_list(cons.social_worker, unit=cons.clinic, whole_unit=True)
    assert [r.source_id for r in mine.consultations.reminders] == [done.pk]
    for other in (cons.nurse, cons.coordinator, cons.manager):
        assert not task_list(other, unit=cons.clinic, whole_unit=True).consultations.reminders
    actions.consultation_answer(user=cons.social_worker, consultation_id=done.pk, answer="Svar")
    refresh_unit(cons.clinic)
    assert Reminder.objects.get(pk=reminder.pk).resolved_at is not None


def test_a_question_to_the_function_reminds_the_partys_managers(cons):
    done = ask(cons, contact=None)
    Consultation.objects.filter(pk=done.pk).update(answer_by=TODAY())
    refresh_unit(cons.clinic)
    mine = task_list(cons.manager, unit=cons.clinic, whole_unit=True)
    assert [r.source_id for r in mine.consultations.reminders] == [done.pk]
    assert not task_list(
        cons.social_worker, unit=cons.clinic, whole_unit=True
    ).consultations.reminders


def test_the_task_list_links_the_consultation_to_answer(client, cons):
    done = ask(cons)
    Consultation.objects.filter(pk=done.pk).update(answer_by=TODAY())
    refresh_unit(cons.clinic)
    client.force_login(cons.social_worker)
    page = client.get(reverse("reminders:mine") + "?scope=unit")
    assert reverse("governance:consultation", args=[done.pk]) in page.content.decode()


# --- the addressed party's managers, when the contact person cannot answer ----------------


def _due(g, days, **changes):
    """A consultation to the contact person, due in DAYS (past when negative), reminded."""
    done = ask(g, **changes)
    answer_by = TODAY() + datetime.timedelta(days=days)
    Consultation.objects.filter(pk=done.pk).update(answer_by=answer_by)
    refresh_unit(g.clinic)
    return done


def _reminded(g, user):
    tasks = task_list(user, unit=g.clinic, whole_unit=True)
    return [r.source_id for r in tasks.consultations.reminders]


def test_once_overdue_the_addressed_partys_managers_are_reminded_too(cons):
    late = _due(cons, -1)
    assert _reminded(cons, cons.social_worker) == [late.pk]
    assert _reminded(cons, cons.manager) == [late.pk]
    assert _reminded(cons, cons.coordinator) == []  # the other party's coordinator
    assert _reminded(cons, cons.nurse) == []


def test_before_the_deadline_the_managers_are_not_reminded_while_the_contact_is_there(cons):
    _due(cons, 1)
    assert _reminded(cons, cons.manager) == []


def test_a_contact_person_no_longer_named_reminds_the_partys_managers(cons):
    waiting = _due(cons, 1)
    ContactPerson.objects.filter(pk=cons.contact.pk).delete()
    assert _reminded(cons, cons.manager) == [waiting.pk]
    assert _reminded(cons, cons.coordinator) == []


def test_a_contact_person_who_left_the_unit_reminds_the_partys_managers(cons):
    waiting = _due(cons, 1)
    Membership.objects.filter(user=cons.social_worker, unit=cons.clinic).delete()
    assert _reminded(cons, cons.manager) == [waiting.pk]
    assert _reminded(cons, cons.coordinator) == []


def test_an_inactive_contact_person_reminds_the_partys_managers(cons):
    waiting = _due(cons, 1)
    type(cons.social_worker).objects.filter(pk=cons.social_worker.pk).update(is_active=False)
    assert _reminded(cons, cons.manager) == [waiting.pk]


def test_a_manager_of_another_party_is_never_reminded(cons):
    late = _due(cons, -1)
    ContactPerson.objects.filter(pk=cons.contact.pk).delete()
    Membership.objects.filter(user=cons.social_worker, unit=cons.clinic).delete()
    assert late.addressed_to == cons.municipality
    assert _reminded(cons, cons.coordinator) == []  # region, a coordinator at the clinic
    assert _reminded(cons, cons.other_manager) == []  # region, a manager elsewhere
