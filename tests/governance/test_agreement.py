"""An agreement's versions: a change is proposed as a new version and takes effect when every
party has approved it; every version is kept; the PDF of the version in force."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.core import pdf
from helhet.core.versions import StaleEdit
from helhet.governance import actions
from helhet.governance.models import AgreementVersion, ChecklistItem
from tests import factories as f

from .conftest import propose

State = AgreementVersion.State


def test_a_change_takes_effect_when_every_party_has_approved_it(gov):
    v2 = propose(gov.agreement, gov.manager, based_on=1, mission="Ett nytt uppdrag.")
    assert v2.state == State.PROPOSED
    actions.version_approve(user=gov.manager, version_id=v2.pk)
    v2.refresh_from_db()
    assert v2.state == State.PROPOSED  # the region has not approved yet
    actions.version_approve(user=gov.coordinator, version_id=v2.pk)
    v2.refresh_from_db()
    gov.v1.refresh_from_db()
    assert (v2.state, gov.v1.state) == (State.IN_FORCE, State.SUPERSEDED)
    assert list(gov.agreement.versions.values_list("number", flat=True)) == [2, 1]


def test_a_party_approves_once(gov):
    v2 = propose(gov.agreement, gov.manager, based_on=1)
    actions.version_approve(user=gov.manager, version_id=v2.pk)
    with pytest.raises(ValidationError):
        actions.version_approve(user=gov.manager, version_id=v2.pk)


@pytest.mark.parametrize("actor", ["steering", "nurse", "other_manager"])
def test_no_one_but_a_partys_manager_or_coordinator_approves_or_proposes(gov, actor):
    v2 = propose(gov.agreement, gov.manager, based_on=1)
    with pytest.raises(ValidationError):
        actions.version_approve(user=getattr(gov, actor), version_id=v2.pk)
    with pytest.raises(ValidationError):
        propose(gov.agreement, getattr(gov, actor), based_on=2)
    assert v2.approvals.count() == 0


def test_a_coordinator_of_an_organisation_that_is_no_party_does_not_act(gov):
    other = f.OrganisationFactory(name="Kriminalvården")
    stranger = f.UserFactory(username="stranger", organisation=other)
    f.MembershipFactory(user=stranger, unit=gov.clinic, role="coordinator")
    with pytest.raises(ValidationError):
        propose(gov.agreement, stranger, based_on=1)


def test_a_party_added_by_a_change_approves_it_too(gov):
    probation = f.OrganisationFactory(name="Kriminalvården")
    parties = [gov.region, gov.municipality, probation]
    v2 = propose(gov.agreement, gov.manager, based_on=1, parties=parties)
    assert actions.approving_parties(v2) == sorted(parties, key=lambda o: o.name)
    actions.version_approve(user=gov.manager, version_id=v2.pk)
    actions.version_approve(user=gov.coordinator, version_id=v2.pk)
    v2.refresh_from_db()
    assert v2.state == State.PROPOSED


def test_a_new_proposal_replaces_the_one_waiting_and_a_stale_one_is_refused(gov):
    v2 = propose(gov.agreement, gov.manager, based_on=1)
    with pytest.raises(StaleEdit):
        propose(gov.agreement, gov.coordinator, based_on=1)
    v3 = propose(gov.agreement, gov.coordinator, based_on=2)
    v2.refresh_from_db()
    assert (v2.state, v3.state, v3.number) == (State.REPLACED, State.PROPOSED, 3)


def test_bad_input_is_refused_and_nothing_saved(gov):
    with pytest.raises(ValidationError):
        propose(gov.agreement, gov.manager, based_on=1, parties=[gov.region])
    with pytest.raises(ValidationError):
        propose(gov.agreement, gov.manager, based_on=1, ends_on=datetime.date(2025, 1, 1))
    assert gov.agreement.versions.count() == 1


def test_proposing_and_approving_through_the_pages(client, gov):
    client.force_login(gov.manager)
    url = reverse("governance:propose", args=[gov.agreement.pk])
    form = client.get(url)
    assert "Samordnad vård och stöd" in form.text  # starts from the version in force
    data = {
        "version": "1",
        "parties": [gov.region.pk, gov.municipality.pk],
        "starts_on": "2026-01-01",
        "mission": "Ändrat uppdrag",
        "target_group": "Vuxna",
        "goals": "Mål ett\nMål två",
        "deviation_answer_days": "10",
        "consultation_answer_days": "5",
        "step_1_body": "Enhetscheferna",
        "step_1_days": "7",
    }
    assert client.post(url, data).status_code == 302
    v2 = gov.agreement.versions.get(number=2)
    assert [g.text for g in v2.goals.all()] == ["Mål ett", "Mål två"]
    assert [(s.body, s.days) for s in v2.steps.all()] == [("Enhetscheferna", 7)]
    assert v2.deviation_answer_days == 10
    page = client.get(reverse("governance:agreement", args=[gov.agreement.pk]))
    assert reverse("governance:approve", args=[v2.pk]) in page.text
    client.post(reverse("governance:approve", args=[v2.pk]))
    client.force_login(gov.coordinator)
    client.post(reverse("governance:approve", args=[v2.pk]))
    v2.refresh_from_db()
    assert v2.state == State.IN_FORCE


def test_a_proposal_page_with_an_error_re_renders_with_it(client, gov):
    client.force_login(gov.manager)
    url = reverse("governance:propose", args=[gov.agreement.pk])
    data = {
        "version": "1",
        "parties": [gov.region.pk],
        "starts_on": "2026-01-01",
        "mission": "x",
        "target_group": "y",
        "deviation_answer_days": "10",
        "consultation_answer_days": "5",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "An agreement has at least two parties." in response.text
    assert gov.agreement.versions.count() == 1


def test_the_steering_group_member_sees_no_approve_button(client, gov):
    v2 = propose(gov.agreement, gov.manager, based_on=1)
    client.force_login(gov.steering)
    page = client.get(reverse("governance:agreement", args=[gov.agreement.pk]))
    assert reverse("governance:approve", args=[v2.pk]) not in page.text
    assert client.post(reverse("governance:approve", args=[v2.pk])).status_code == 302
    assert v2.approvals.count() == 0


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not available here")
def test_the_agreement_in_force_as_pdf(client, gov):
    client.force_login(gov.steering)
    response = client.get(reverse("governance:pdf", args=[gov.agreement.pk]))
    assert response["Content-Type"] == "application/pdf"


def test_every_agreement_gets_the_checklist_of_seed_004(gov):
    items = ChecklistItem.objects.filter(agreement=gov.agreement)
    assert items.count() == 24
    assert items.first().code == "written" and items.last().code == "results"
