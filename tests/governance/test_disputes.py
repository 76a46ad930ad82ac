"""Disputes between the authorities (issue 17, item 5): raised by a party's manager or
coordinator at a unit under an agreement in force against another party; read by both parties'
managers and coordinators and the steering group, 404 for everyone else; each step of the
agreement's ladder decides with its reasons (settled, or up to the next step with a new
deadline; the last step only settles); about a person only through the access layer, with who
acts meanwhile on the person's overview."""

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
from helhet.governance import dispute_actions, disputes
from helhet.governance.models import Dispute, DisputeDecision
from helhet.reminders.models import Reminder
from helhet.reminders.refresh import refresh_unit
from helhet.reminders.selectors import task_list
from tests import factories as f
from tests.log_rows import rows_about

TODAY = timezone.localdate
MEANWHILE = "Psykiatrin fortsätter behandlingen"


def _access(g, user):
    request = RequestFactory().get("/")
    request.user, request.unit = user, g.clinic
    request.memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    return policy.person_access(request, g.patient.pk)


def raise_(g, *, person=False, user=None, **changes):
    user = user or g.coordinator
    access = _access(g, user) if person else None
    data = {
        "against": g.municipality if user.organisation == g.region else g.region,
        "kind": Dispute.Kind.RESPONSIBILITY,
        "question": "Vem ansvarar för boendestödet?",
    }
    if person:
        data |= {"meanwhile_party": g.region, "meanwhile": MEANWHILE}
    return dispute_actions.dispute_raise(
        actor=Actor(user, g.clinic), access=access, **(data | changes)
    )


def decide(g, dispute, *, user=None, settled=False, step=None):
    return dispute_actions.dispute_decide(
        user=user or g.manager,
        dispute_id=dispute.pk,
        step=step or dispute.step,
        settled=settled,
        decision="Ingen enighet" if not settled else "Kommunen ansvarar",
        reasons="Olika bedömningar",
    )


def answer(g, dispute, *, user=None, confirm=True, proposal=None):
    return dispute_actions.dispute_settlement_answer(
        user=user or g.manager,
        dispute_id=dispute.pk,
        proposal=proposal or Dispute.objects.get(pk=dispute.pk).proposal_number,
        confirm=confirm,
    )


def settle(g, dispute):
    """Settled at a step of the parties: proposed by the region's coordinator, confirmed by
    the municipality's manager."""
    decide(g, dispute, user=g.coordinator, settled=True)
    return answer(g, dispute, user=g.manager)


# --- raising ---------------------------------------------------------------------------------


def test_a_party_manager_raises_at_the_first_step_with_its_deadline(gov):
    done = raise_(gov)
    assert (done.status, done.step, done.ladder) == (Dispute.Status.RUNNING, 1, gov.v1)
    assert (done.raising_party, done.against) == (gov.region, gov.municipality)
    assert done.decide_by == TODAY() + datetime.timedelta(days=14)  # "Enhetscheferna", 14


@pytest.mark.parametrize("actor", ["nurse", "social_worker", "steering", "outsider"])
def test_staff_who_are_not_a_partys_manager_at_the_unit_may_not_raise(gov, actor):
    with pytest.raises(ValidationError):
        raise_(gov, user=getattr(gov, actor), against=gov.municipality)
    assert not Dispute.objects.exists()


def test_a_dispute_is_against_another_party_only(gov):
    with pytest.raises(ValidationError):
        raise_(gov, against=gov.region)
    assert not Dispute.objects.exists()


def test_a_dispute_about_a_person_needs_who_acts_meanwhile(gov):
    with pytest.raises(ValidationError):
        raise_(gov, person=True, meanwhile_party=None, meanwhile="")
    with pytest.raises(ValidationError):
        raise_(gov, person=True, meanwhile_party=f.OrganisationFactory(), meanwhile="x")
    assert not Dispute.objects.exists()
    done = raise_(gov, person=True)
    assert (done.person, done.meanwhile_party, done.meanwhile) == (
        gov.patient,
        gov.region,
        MEANWHILE,
    )
    assert rows_about(gov.patient, action="write", what="dispute raised", user=gov.coordinator)


def test_the_form_about_a_person_is_for_a_managers_relationship_only(client, gov):
    url = reverse("governance:person_dispute_new", args=[gov.patient.pk])
    client.force_login(gov.coordinator)
    assert client.get(url).status_code == 200
    assert rows_about(gov.patient, action="read", what="dispute form", user=gov.coordinator)
    for user in (gov.nurse, gov.outsider, gov.steering):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_raising_through_the_form_and_a_missing_meanwhile_re_renders(client, gov):
    client.force_login(gov.coordinator)
    url = reverse("governance:person_dispute_new", args=[gov.patient.pk])
    data = {"against": gov.municipality.pk, "kind": "needs", "question": "Vem?"}
    page = client.post(url, data)
    assert page.status_code == 200 and not Dispute.objects.exists()
    data |= {"meanwhile_party": gov.region.pk, "meanwhile": MEANWHILE}
    answer = client.post(url, data, follow=True)
    done = Dispute.objects.get()
    assert answer.redirect_chain[-1][0] == reverse("governance:dispute", args=[done.pk])
    assert done.person == gov.patient


# --- who may see -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["coordinator", "manager", "steering"])
def test_both_parties_managers_and_the_steering_group_see_it(client, gov, actor):
    done = raise_(gov)
    client.force_login(getattr(gov, actor))
    assert client.get(reverse("governance:dispute", args=[done.pk])).status_code == 200
    page = client.get(reverse("governance:disputes"))
    assert reverse("governance:dispute", args=[done.pk]) in page.content.decode()


@pytest.mark.parametrize("actor", ["nurse", "social_worker", "outsider", "other_manager", "admin"])
def test_no_one_else_sees_it(client, gov, actor):
    done = raise_(gov)
    client.force_login(getattr(gov, actor))
    assert client.get(reverse("governance:dispute", args=[done.pk])).status_code == 404
    page = client.get(reverse("governance:disputes"))
    assert reverse("governance:dispute", args=[done.pk]) not in page.content.decode()


def test_anonymous_visitors_get_the_login_page(client, gov):
    done = raise_(gov)
    assert client.get(reverse("governance:dispute", args=[done.pk])).status_code == 302


# --- the person's identity -----------------------------------------------------------------------


def _page(client, user, dispute):
    client.force_login(user)
    return client.get(reverse("governance:dispute", args=[dispute.pk])).content.decode()


def test_without_consent_the_other_party_does_not_see_who_it_is(client, gov):
    done = raise_(gov, person=True)
    before = len(rows_about(gov.patient))
    page = _page(client, gov.manager, done)
    assert "Tolvansson" not in page and "Region Testland" in page
    assert len(rows_about(gov.patient)) == before


def test_with_consent_the_other_party_sees_who_it_is_and_the_read_is_logged(
    client, gov, consent_for_coordination
):
    done = raise_(gov, person=True)
    assert "Tolvansson" in _page(client, gov.manager, done)
    [row] = rows_about(gov.patient, action="read", what="dispute", user=gov.manager)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_raiser_sees_who_it_is_on_their_own_organisations_basis(client, gov):
    done = raise_(gov, person=True)
    assert "Tolvansson" in _page(client, gov.coordinator, done)
    [row] = rows_about(gov.patient, action="read", what="dispute", user=gov.coordinator)
    assert row.basis == Basis.OWN_ORGANISATION


def test_the_steering_group_never_sees_who_it_is(client, gov, consent_for_coordination):
    done = raise_(gov, person=True)
    before = len(rows_about(gov.patient))
    assert "Tolvansson" not in _page(client, gov.steering, done)
    assert len(rows_about(gov.patient)) == before


# --- the ladder ----------------------------------------------------------------------------------


def test_not_settled_moves_up_a_step_with_a_new_deadline_and_keeps_the_decision(gov):
    done = raise_(gov)
    moved = decide(gov, done)
    assert (moved.step, moved.status) == (2, Dispute.Status.RUNNING)
    assert moved.decide_by == TODAY() + datetime.timedelta(days=30)  # "Styrgruppen", 30
    [decision] = moved.decisions.all()
    assert (decision.step, decision.body, decision.settled) == (1, "Enhetscheferna", False)
    assert (decision.decided_by, decision.decided_party) == (gov.manager, gov.municipality)
    rungs = disputes.ladder(moved)
    assert [r.state for r in rungs] == ["done", "current"]
    assert rungs[0].decision == decision and rungs[1].decide_by == moved.decide_by


def test_settled_and_confirmed_closes_the_dispute_with_the_decision(gov):
    done = settle(gov, raise_(gov))
    assert (done.status, done.settled_on, done.step) == (Dispute.Status.SETTLED, TODAY(), 1)
    assert [r.state for r in disputes.ladder(done)] == ["done", "to come"]
    with pytest.raises(ValidationError):
        decide(gov, done, step=1)


def test_the_last_step_can_only_settle(gov):
    done = decide(gov, raise_(gov))
    with pytest.raises(ValidationError):
        decide(gov, done, user=gov.steering)  # step 2 of 2: not settled is refused
    done.refresh_from_db()
    assert (done.step, done.status, done.decisions.count()) == (2, Dispute.Status.RUNNING, 1)
    assert decide(gov, done, user=gov.steering, settled=True).status == Dispute.Status.SETTLED


def test_a_decision_from_a_page_of_an_earlier_step_is_refused(gov):
    done = raise_(gov)
    decide(gov, done)
    with pytest.raises(ValidationError):
        decide(gov, done, user=gov.coordinator, step=1)  # the dispute has moved on
    assert DisputeDecision.objects.count() == 1


@pytest.mark.parametrize("actor", ["steering", "nurse", "other_manager"])
def test_only_a_partys_manager_records_a_decision(client, gov, actor):
    done = raise_(gov)
    with pytest.raises(ValidationError):
        decide(gov, done, user=getattr(gov, actor))
    client.force_login(getattr(gov, actor))
    url = reverse("governance:dispute", args=[done.pk])
    answer = client.post(url, {"step": 1, "settled": "no", "decision": "x", "reasons": "y"})
    assert answer.status_code == 404
    assert not DisputeDecision.objects.exists()


def test_recording_the_decision_through_the_page(client, gov):
    done = raise_(gov)
    client.force_login(gov.manager)
    url = reverse("governance:dispute", args=[done.pk])
    data = {"step": 1, "settled": "no", "decision": "Ingen enighet", "reasons": "Olika"}
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    done.refresh_from_db()
    assert done.step == 2 and "Ingen enighet" in page and "Olika" in page
    assert done.decide_by.isoformat() in page
    # the same page's form again: the step is no longer the current one
    again = client.post(url, data)
    assert again.status_code == 200 and DisputeDecision.objects.count() == 1


def test_a_decision_without_reasons_re_renders_in_swedish(client, gov):
    done = raise_(gov)
    client.force_login(gov.manager)
    session = client.session
    session["django_language"] = "sv"
    session.save()
    url = reverse("governance:dispute", args=[done.pk])
    page = client.post(url, {"step": 1, "settled": "no", "decision": "x", "reasons": ""})
    assert page.status_code == 200 and not DisputeDecision.objects.exists()


# --- the person's overview -----------------------------------------------------------------------


def test_the_overview_says_who_acts_meanwhile_and_links_for_those_who_may_read_it(
    client, gov, consent_for_coordination
):
    from tests.test_access_matrix import log_in

    done = raise_(gov, person=True)
    url = reverse("people:overview", args=[gov.patient.pk])
    link = reverse("governance:dispute", args=[done.pk])
    log_in(client, gov.nurse, gov.clinic)  # reads the person; not the dispute
    page = client.get(url).content.decode()
    assert MEANWHILE in page and link not in page
    [row] = rows_about(gov.patient, action="read", what="overview", user=gov.nurse)
    log_in(client, gov.manager, gov.clinic)  # under the consent: reads both
    page = client.get(url).content.decode()
    assert MEANWHILE in page and link in page
    decide(gov, decide(gov, done), user=gov.steering, settled=True)
    assert MEANWHILE not in client.get(url).content.decode()  # settled: no longer runs


def test_the_overview_of_a_user_without_a_relationship_at_the_unit_has_no_note(
    client, gov, consent_for_coordination
):
    from tests.test_access_matrix import log_in

    raise_(gov, person=True)
    f.EmergencyAccessFactory(user=gov.outsider, person=gov.patient, unit=gov.other_unit)
    log_in(client, gov.outsider, gov.other_unit)
    page = client.get(reverse("people:overview", args=[gov.patient.pk])).content.decode()
    assert MEANWHILE not in page


def test_the_overview_links_to_raising_a_dispute_for_a_manager_only(client, gov):
    from tests.test_access_matrix import log_in

    url, form = (
        reverse("people:overview", args=[gov.patient.pk]),
        reverse("governance:person_dispute_new", args=[gov.patient.pk]),
    )
    log_in(client, gov.coordinator, gov.clinic)
    assert form in client.get(url).content.decode()
    log_in(client, gov.nurse, gov.clinic)
    assert form not in client.get(url).content.decode()


# --- deadline: reminder before, overdue on the steering group's page ---


def test_a_reminder_before_the_steps_deadline_for_both_parties_managers(gov):
    done = raise_(gov)
    refresh_unit(gov.clinic)
    assert not Reminder.objects.filter(kind=Reminder.Kind.DISPUTE_STEP_DUE).exists()
    Dispute.objects.filter(pk=done.pk).update(decide_by=TODAY() + datetime.timedelta(days=2))
    refresh_unit(gov.clinic)
    reminder = Reminder.objects.get(kind=Reminder.Kind.DISPUTE_STEP_DUE)
    assert reminder.person is None and reminder.source_id == done.pk
    for manager in (gov.manager, gov.coordinator):
        tasks = task_list(manager, unit=gov.clinic, whole_unit=True)
        assert [r.source_id for r in tasks.disputes.reminders] == [done.pk]
    for other in (gov.nurse, gov.social_worker):
        assert not task_list(other, unit=gov.clinic, whole_unit=True).disputes.reminders
    decide(gov, done)  # up a step: a new deadline, a month away
    refresh_unit(gov.clinic)
    assert Reminder.objects.get(pk=reminder.pk).resolved_at is not None


def test_the_task_list_links_to_the_dispute(client, gov):
    done = raise_(gov)
    Dispute.objects.filter(pk=done.pk).update(decide_by=TODAY())
    refresh_unit(gov.clinic)
    client.force_login(gov.manager)
    page = client.get(reverse("reminders:mine") + "?scope=unit")
    assert reverse("governance:dispute", args=[done.pk]) in page.content.decode()


def test_the_steering_groups_page_shows_running_disputes_overdue_marked(client, gov):
    late, on_time, settled = raise_(gov), raise_(gov, kind="money"), raise_(gov)
    settle(gov, settled)
    Dispute.objects.filter(pk=late.pk).update(decide_by=TODAY() - datetime.timedelta(days=1))
    assert list(Dispute.objects.overdue(TODAY())) == [late]
    client.force_login(gov.steering)
    page = client.get(reverse("governance:steering_group", args=[gov.group.pk]))
    assert list(page.context["disputes"]) == [late, on_time]
    text = page.content.decode()
    assert reverse("governance:dispute", args=[settled.pk]) not in text
    assert "overdue" in text
