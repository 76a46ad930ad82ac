"""Who records the decision at each step of a dispute's ladder (`disputes.say`), on the ladder
the agreement sets: the unit managers, the parties' line managers, the steering group, the
county's body.

- At a step of the parties either party moves the dispute up alone, but a settlement proposed
  by one takes effect only when the other confirms it (rejected: withdrawn, the step stays).
- At the steering group's step its members decide alone; the parties read.
- At the last step a party's manager or a steering-group member records the body's decision,
  which settles.
- A decision that moves the dispute up may change who acts meanwhile (never to no one for a
  dispute about a person); the overview shows the latest.
And the steering group's page lists only the disputes and deviations whose pages the reader may
open."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.core.models import Membership
from helhet.followup.models import SteeringGroup
from helhet.governance import disputes
from helhet.governance.models import Deviation, Dispute, DisputeDecision, EscalationStep
from tests import factories as f

from .test_deviations import report
from .test_disputes import MEANWHILE, answer, decide, raise_

LADDER = [
    ("Enhetscheferna", 14, False),
    ("Linjecheferna", 21, False),
    ("Styrgruppen", 30, True),
    ("Länets samverkansorgan", 60, False),
]


@pytest.fixture
def ladder(gov):
    """The clinic's agreement in force with the ladder of four steps."""
    gov.v1.steps.all().delete()
    EscalationStep.objects.bulk_create(
        EscalationStep(version=gov.v1, position=i, body=b, days=d, by_steering_group=g)
        for i, (b, d, g) in enumerate(LADDER)
    )
    return gov


def at_step(g, step: int, **raised) -> Dispute:
    """A dispute raised by the region's coordinator, moved up to STEP by the parties."""
    dispute = raise_(g, **raised)
    for _ in range(1, step):
        user = g.steering if dispute.step == 3 else g.manager
        dispute = decide(g, dispute, user=user)
    assert dispute.step == step
    return dispute


def proposed(g, dispute, user=None):
    decide(g, dispute, user=user or g.coordinator, settled=True)
    return Dispute.objects.get(pk=dispute.pk)


# --- a step of the parties ------------------------------------------------------------------


@pytest.mark.parametrize("proposer", ["coordinator", "manager"])  # the raising party, the other
def test_one_party_alone_does_not_settle_at_a_step_of_the_parties(ladder, proposer):
    for step in (1, 2):
        dispute = proposed(ladder, at_step(ladder, step), getattr(ladder, proposer))
        assert (dispute.status, dispute.step) == (Dispute.Status.RUNNING, step)
        assert dispute.proposed_party == getattr(ladder, proposer).organisation
        assert not dispute.decisions.filter(step=step).exists()


def test_the_other_party_confirms_the_settlement_and_both_are_named(ladder):
    dispute = answer(ladder, proposed(ladder, at_step(ladder, 2)), user=ladder.manager)
    assert (dispute.status, dispute.step, dispute.proposed_party) == ("settled", 2, None)
    record = dispute.decisions.get(step=2)
    assert (record.settled, record.decided_by, record.decided_party) == (
        True,
        ladder.coordinator,
        ladder.region,
    )
    assert (record.confirmed_by, record.confirmed_party) == (ladder.manager, ladder.municipality)
    assert record.decision == "Kommunen ansvarar"


@pytest.mark.parametrize("actor", ["coordinator", "steering", "nurse", "other_manager"])
def test_no_one_but_the_other_party_confirms_a_settlement(client, ladder, actor):
    dispute = proposed(ladder, at_step(ladder, 1))
    for confirm in (True, False):
        with pytest.raises(ValidationError):
            answer(ladder, dispute, user=getattr(ladder, actor), confirm=confirm)
    client.force_login(getattr(ladder, actor))
    url = reverse("governance:dispute_settlement", args=[dispute.pk])
    assert client.post(url, {"proposal": 1, "answer": "confirm"}).status_code == 404
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.RUNNING and dispute.proposed_party == ladder.region


def test_rejected_the_proposal_is_withdrawn_and_the_step_stays(ladder):
    dispute = answer(ladder, proposed(ladder, at_step(ladder, 1)), confirm=False)
    assert (dispute.status, dispute.step, dispute.proposed_party) == ("running", 1, None)
    assert not DisputeDecision.objects.exists()
    again = proposed(ladder, dispute, ladder.manager)  # either party may propose anew
    assert again.proposed_party == ladder.municipality and again.proposal_number == 2


def test_an_answer_to_a_proposal_no_longer_waiting_is_refused(ladder):
    dispute = proposed(ladder, at_step(ladder, 1))
    answer(ladder, dispute, confirm=False)
    proposed(ladder, dispute, ladder.coordinator)  # a new proposal, number 2
    with pytest.raises(ValidationError):
        answer(ladder, dispute, proposal=1)  # the page showed the first one
    assert not DisputeDecision.objects.exists()


def test_a_second_proposal_while_one_waits_is_refused(ladder):
    dispute = proposed(ladder, at_step(ladder, 1))
    for user in (ladder.coordinator, ladder.manager):
        with pytest.raises(ValidationError):
            decide(ladder, dispute, user=user, settled=True)
    assert Dispute.objects.get(pk=dispute.pk).proposal_number == 1


@pytest.mark.parametrize("escalator", ["coordinator", "manager"])
def test_either_party_moves_it_up_alone_and_a_waiting_proposal_is_dropped(ladder, escalator):
    dispute = proposed(ladder, at_step(ladder, 1))
    moved = decide(ladder, dispute, user=getattr(ladder, escalator))
    assert (moved.step, moved.proposed_party, moved.proposed_decision) == (2, None, "")
    with pytest.raises(ValidationError):
        answer(ladder, dispute, proposal=1)


# --- the steering group's step ---------------------------------------------------------------


@pytest.mark.parametrize("settled", [True, False])
def test_at_the_steering_groups_step_its_members_decide_alone(ladder, settled):
    dispute = decide(ladder, at_step(ladder, 3), user=ladder.steering, settled=settled)
    assert dispute.status == ("settled" if settled else "running")
    assert dispute.step == (3 if settled else 4)
    record = dispute.decisions.get(step=3)
    assert (record.decided_by, record.decided_party, record.body) == (
        ladder.steering,
        None,
        "Styrgruppen",
    )


@pytest.mark.parametrize("actor", ["coordinator", "manager", "nurse", "other_member"])
def test_at_the_steering_groups_step_the_parties_and_others_do_not_decide(client, ladder, actor):
    other = f.UserFactory(username="other_member", organisation=ladder.region)
    SteeringGroup.objects.create(name="Annan styrgrupp").members.set([other])
    ladder.other_member = other
    dispute = at_step(ladder, 3)
    for settled in (True, False):
        with pytest.raises(ValidationError):
            decide(ladder, dispute, user=getattr(ladder, actor), settled=settled)
    client.force_login(getattr(ladder, actor))
    url = reverse("governance:dispute", args=[dispute.pk])
    data = {"step": 3, "settled": "yes", "decision": "x", "reasons": "y"}
    assert client.post(url, data).status_code == 404
    assert Dispute.objects.get(pk=dispute.pk).step == 3


def test_the_parties_read_the_steering_groups_step_without_a_form(client, ladder):
    dispute = at_step(ladder, 3)
    client.force_login(ladder.manager)
    page = client.get(reverse("governance:dispute", args=[dispute.pk]))
    assert page.status_code == 200 and page.context["form"] is None


def test_a_member_records_the_steering_groups_decision_through_the_page(client, ladder):
    dispute = at_step(ladder, 3)
    client.force_login(ladder.steering)
    url = reverse("governance:dispute", args=[dispute.pk])
    assert client.get(url).context["form"] is not None
    data = {"step": 3, "settled": "no", "decision": "Till länet", "reasons": "Ingen enighet"}
    assert client.post(url, data).status_code == 302
    assert Dispute.objects.get(pk=dispute.pk).step == 4


# --- the last step: the county's body --------------------------------------------------------


@pytest.mark.parametrize("recorder", ["coordinator", "manager", "steering"])
def test_at_the_last_step_a_party_or_a_member_records_the_bodys_decision(ladder, recorder):
    dispute = at_step(ladder, 4)
    with pytest.raises(ValidationError):
        decide(ladder, dispute, user=getattr(ladder, recorder))  # not settled: refused
    done = decide(ladder, dispute, user=getattr(ladder, recorder), settled=True)
    assert (done.status, done.decisions.get(step=4).body) == ("settled", "Länets samverkansorgan")


@pytest.mark.parametrize("actor", ["nurse", "other_manager", "outsider"])
def test_at_the_last_step_no_one_else_records(ladder, actor):
    dispute = at_step(ladder, 4)
    with pytest.raises(ValidationError):
        decide(ladder, dispute, user=getattr(ladder, actor), settled=True)
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.RUNNING


# --- the settlement through the pages --------------------------------------------------------


def test_a_settlement_proposed_on_the_page_is_confirmed_by_the_other_party(client, ladder):
    dispute = at_step(ladder, 1)
    url = reverse("governance:dispute", args=[dispute.pk])
    client.force_login(ladder.coordinator)
    data = {"step": 1, "settled": "yes", "decision": "Kommunen ansvarar", "reasons": "Avtalet"}
    assert client.post(url, data).status_code == 302
    page = client.get(url)
    assert not page.context["may_answer"] and "Kommunen ansvarar" in page.content.decode()
    client.force_login(ladder.manager)
    assert client.get(url).context["may_answer"]
    settlement = reverse("governance:dispute_settlement", args=[dispute.pk])
    assert client.post(settlement, {"proposal": 1, "answer": "confirm"}).status_code == 302
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.SETTLED
    # a second answer: the proposal no longer waits
    assert client.post(settlement, {"proposal": 1, "answer": "reject"}).status_code == 404


def test_a_bad_answer_on_the_settlement_form_changes_nothing(client, ladder):
    dispute = proposed(ladder, at_step(ladder, 1))
    client.force_login(ladder.manager)
    settlement = reverse("governance:dispute_settlement", args=[dispute.pk])
    for data in ({"proposal": 9, "answer": "confirm"}, {"proposal": "x"}, {"proposal": 2**40}):
        assert client.post(settlement, data).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.RUNNING and dispute.proposed_party == ladder.region


# --- who acts meanwhile ------------------------------------------------------------------------


def _move_up(g, dispute, user, party, text):
    return decide_with(g, dispute, user=user, meanwhile_party=party, meanwhile=text)


def decide_with(g, dispute, *, user, **meanwhile):
    from helhet.governance import dispute_actions

    return dispute_actions.dispute_decide(
        user=user,
        dispute_id=dispute.pk,
        step=dispute.step,
        settled=False,
        decision="Ingen enighet",
        reasons="Olika bedömningar",
        **meanwhile,
    )


def test_moving_up_changes_who_acts_meanwhile_and_the_overview_shows_the_latest(
    client, ladder, consent_for_coordination
):
    from tests.test_access_matrix import log_in

    dispute = raise_(ladder, person=True)
    moved = _move_up(ladder, dispute, ladder.manager, ladder.municipality, "Boendestöd ges")
    assert (moved.meanwhile_party, moved.meanwhile) == (ladder.municipality, "Boendestöd ges")
    record = moved.decisions.get()
    assert (record.meanwhile_party, record.meanwhile) == (ladder.municipality, "Boendestöd ges")
    log_in(client, ladder.nurse, ladder.clinic)
    page = client.get(reverse("people:overview", args=[ladder.patient.pk])).content.decode()
    assert "Boendestöd ges" in page and MEANWHILE not in page


def test_unchanged_who_acts_meanwhile_is_not_repeated_on_the_decision(ladder):
    dispute = raise_(ladder, person=True)
    moved = _move_up(ladder, dispute, ladder.manager, ladder.region, MEANWHILE)
    assert (moved.meanwhile_party, moved.meanwhile) == (ladder.region, MEANWHILE)
    assert moved.decisions.get().meanwhile_party is None


@pytest.mark.parametrize(
    "party, text", [(None, ""), (None, "Något"), ("region", ""), ("outside", "Något")]
)
def test_who_acts_meanwhile_stays_named_by_one_of_the_parties(ladder, party, text):
    dispute = raise_(ladder, person=True)
    chosen = {"region": ladder.region, "outside": f.OrganisationFactory()}.get(party)
    with pytest.raises(ValidationError):
        _move_up(ladder, dispute, ladder.manager, chosen, text)
    dispute.refresh_from_db()
    assert (dispute.step, dispute.meanwhile) == (1, MEANWHILE)
    assert not DisputeDecision.objects.exists()


def test_the_decision_form_starts_from_who_acts_meanwhile_and_changes_it(client, ladder):
    dispute = raise_(ladder, person=True)
    client.force_login(ladder.manager)
    url = reverse("governance:dispute", args=[dispute.pk])
    form = client.get(url).context["form"]
    assert form["meanwhile"].value() == MEANWHILE
    data = {"step": 1, "settled": "no", "decision": "Ingen enighet", "reasons": "Olika"}
    data |= {"meanwhile_party": ladder.municipality.pk, "meanwhile": "Kommunen tar över"}
    assert client.post(url, data).status_code == 302
    assert "Kommunen tar över" in client.get(url).content.decode()
    assert Dispute.objects.get(pk=dispute.pk).meanwhile_party == ladder.municipality


def test_a_blank_who_acts_meanwhile_re_renders_the_form(client, ladder):
    dispute = raise_(ladder, person=True)
    client.force_login(ladder.manager)
    url = reverse("governance:dispute", args=[dispute.pk])
    data = {"step": 1, "settled": "no", "decision": "x", "reasons": "y", "meanwhile": ""}
    assert client.post(url, data).status_code == 200
    assert Dispute.objects.get(pk=dispute.pk).step == 1


# --- the steering group's page lists only what its reader may open ---------------------------


def test_the_steering_page_lists_disputes_and_deviations_only_to_whom_may_open_them(client, ladder):
    third = f.UserFactory(username="third", organisation=f.OrganisationFactory())
    f.MembershipFactory(user=third, unit=ladder.clinic, role=Membership.Role.COORDINATOR)
    dispute = raise_(ladder)
    late = report(ladder)
    Deviation.objects.filter(pk=late.pk).update(
        answer_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    url = reverse("governance:steering_group", args=[ladder.group.pk])
    for user, shown in ((ladder.steering, True), (third, False)):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        assert (dispute in page.context["disputes"]) is shown
        assert (late.pk in [d.pk for d in page.context["escalated"]]) is shown
        for link in (
            reverse("governance:dispute", args=[dispute.pk]),
            reverse("governance:deviation", args=[late.pk]),
        ):
            assert (link in page.content.decode()) is shown
            assert client.get(link).status_code == (200 if shown else 404)


def test_say_names_no_one_on_a_settled_dispute(ladder):
    done = decide(ladder, at_step(ladder, 4), user=ladder.manager, settled=True)
    for user in (ladder.manager, ladder.coordinator, ladder.steering):
        assert disputes.say(user, done) is None


# --- the ladder as the agreement sets it -------------------------------------------------------


def test_a_proposal_flags_the_steering_groups_step_and_the_form_starts_from_it(client, gov):
    client.force_login(gov.manager)
    url = reverse("governance:propose", args=[gov.agreement.pk])
    form = client.get(url).context["form"]
    assert form["step_2_steering"].value() is True and not form["step_1_steering"].value()
    data = {
        "version": "1",
        "parties": [gov.region.pk, gov.municipality.pk],
        "starts_on": "2026-01-01",
        "mission": "Uppdrag",
        "target_group": "Vuxna",
        "deviation_answer_days": "14",
        "consultation_answer_days": "5",
        "step_1_body": "Enhetscheferna",
        "step_1_days": "14",
        "step_2_body": "Styrgruppen",
        "step_2_days": "30",
        "step_2_steering": "on",
    }
    assert client.post(url, data).status_code == 302
    v2 = gov.agreement.versions.get(number=2)
    assert [s.by_steering_group for s in v2.steps.all()] == [False, True]


def test_the_steering_group_decides_at_one_step_at_most(gov):
    from .conftest import propose

    with pytest.raises(ValidationError):
        propose(gov.agreement, gov.manager, steps=[("Styrgruppen", 30, True), ("Länet", 60, True)])
    assert gov.agreement.versions.count() == 1
