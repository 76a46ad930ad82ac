"""No lost update on treatment plans and the SIP (`core.versions`): a form carries the number of
the version it was based on; a save based on an older one saves nothing and shows both the
user's values and the version saved meanwhile; saving again from that page works. Two saves
from the same version at once: one is saved, the other is stale."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from helhet.access.log import Actor
from helhet.core.versions import StaleEdit
from helhet.plans import actions
from helhet.plans.models import PlanVersion, SipVersion

from ..concurrency import at_once, meet_after, seed_rows_put_back  # noqa: F401 (a fixture)
from ..people.utils import log_in, log_rows
from .conftest import access_of, save_sip, sip_data
from .test_sip_pages import form_data
from .test_treatment_plans import REVIEW, plan_form, save_plan

STALE = "Someone else saved a new version while you were editing"


def posted_version(text: str) -> str:
    """The version number the re-rendered form carries."""
    [value] = re.findall(r'<input type="hidden" name="version" value="(\d+)"', text)
    return value


# --- Treatment plan ---------------------------------------------------------------------


def test_a_plan_form_based_on_the_latest_version_saves(client, county):
    save_plan(county, goals="Första målen.")
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    assert posted_version(client.get(url).text) == "1"
    response = client.post(url, plan_form(version="1", goals="Andra målen."))
    assert response.status_code == 302
    assert PlanVersion.objects.order_by("-number").first().goals == "Andra målen."


def test_a_stale_plan_save_shows_both_versions_and_saves_nothing(client, county):
    save_plan(county, goals="Första målen.")
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    assert posted_version(client.get(url).text) == "1"
    # A colleague of the same organisation saves while the nurse is typing.
    save_plan(county, user=county.coordinator, goals="Kollegans nya mål.")
    before = len(log_rows(county.patient))

    response = client.post(url, plan_form(version="1", goals="Sjuksköterskans mål."))

    assert response.status_code == 200
    text = response.text
    assert STALE in text and 'role="alert"' in text
    assert "Sjuksköterskans mål." in text  # the user's own values, kept in the form
    assert "Saved meanwhile: version 2" in text and "Kollegans nya mål." in text
    assert posted_version(text) == "2"  # based on the saved version now
    assert [v.goals for v in PlanVersion.objects.order_by("number")] == [
        "Första målen.",
        "Kollegans nya mål.",
    ]
    # One read row for the form page; no write.
    assert [(r.action, r.what) for r in log_rows(county.patient)[before:]] == [
        ("read", "treatment plan form")
    ]

    again = client.post(url, plan_form(version=posted_version(text), goals="Sjuksköterskans mål."))
    assert again.status_code == 302
    latest = PlanVersion.objects.order_by("-number").first()
    assert (latest.number, latest.goals) == (3, "Sjuksköterskans mål.")


def test_a_first_plan_saved_by_someone_else_meanwhile_makes_the_form_stale(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    assert posted_version(client.get(url).text) == "0"
    save_plan(county, user=county.coordinator, goals="Kollegans första plan.")
    response = client.post(url, plan_form(version="0"))
    assert response.status_code == 200 and STALE in response.text
    assert "Kollegans första plan." in response.text
    assert PlanVersion.objects.count() == 1


def test_a_plan_form_without_its_version_says_so_and_saves_nothing(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    data = plan_form()
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 200 and "The form is out of date" in response.text
    assert not PlanVersion.objects.exists()


def test_the_other_organisations_plan_does_not_make_the_form_stale(
    client, county, consent_for_coordination
):
    """Each organisation keeps its own plan: the municipality's save is not the region's."""
    save_plan(county, user=county.social_worker, goals="Kommunens plan.")
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    assert client.post(url, plan_form(version="0")).status_code == 302


# --- SIP ----------------------------------------------------------------------------------


def test_a_sip_form_based_on_the_latest_version_saves(client, county, coordination):
    save_sip(county, goal="Första målet.")
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    assert posted_version(client.get(url).text) == "1"
    assert client.post(url, form_data(county, version="1")).status_code == 302
    assert SipVersion.objects.count() == 2


def test_a_stale_sip_save_shows_both_versions_and_saves_nothing(client, county, coordination):
    save_sip(county, goal="Första målet.")
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    assert posted_version(client.get(url).text) == "1"
    # The municipality's social worker revises the joint plan meanwhile.
    save_sip(county, user=county.social_worker, goal="Kommunens ändring.")
    before = len(log_rows(county.patient))

    response = client.post(url, form_data(county, version="1", goal="Regionens ändring."))

    assert response.status_code == 200
    text = response.text
    assert STALE in text and 'role="alert"' in text
    assert "Regionens ändring." in text and "Kommunens ändring." in text
    assert "Saved meanwhile: version 2" in text and posted_version(text) == "2"
    assert SipVersion.objects.count() == 2
    assert [r.action for r in log_rows(county.patient)[before:]] == ["read"]

    again = client.post(url, form_data(county, version="2", goal="Regionens ändring."))
    assert again.status_code == 302
    assert SipVersion.objects.order_by("-number").first().goal == "Regionens ändring."


# --- Two saves from the same version at once ----------------------------------------------


def _save_plan_from(county, user, version, goals):
    return actions.plan_save(
        actor=Actor(user, county.clinic, "req-x"),
        access=access_of(user, county.patient, county.clinic),
        goals=goals,
        review_on=REVIEW,
        items=[{"description": "Återfallsprevention", "responsible": None}],
        version=version,
    )


def test_two_saves_from_the_same_version_one_after_the_other_the_second_is_stale(county):
    """What the lock makes of two saves at once, shown one after the other (SQLite serialises
    writers: transaction_mode IMMEDIATE)."""
    save_plan(county)
    _save_plan_from(county, county.nurse, 1, "Den ena.")
    with pytest.raises(StaleEdit) as stale:
        _save_plan_from(county, county.coordinator, 1, "Den andra.")
    assert (stale.value.based_on, stale.value.current) == (1, 2)
    assert [v.goals for v in PlanVersion.objects.order_by("number")][1:] == ["Den ena."]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("seed_rows_put_back")
@pytest.mark.parametrize("first_version", [False, True])
def test_two_plan_saves_at_once_from_the_same_version_one_wins(county, first_version, monkeypatch):
    """Both transactions are open and past the first check before either locks the plan.
    FIRST_VERSION: both forms showed no plan (both would make the plan row itself)."""
    based_on = 0
    if not first_version:
        save_plan(county)
        based_on = 1
    meet_after(monkeypatch, actions, "acting_unit")
    outcomes = at_once(
        lambda: _save_plan_from(county, county.nurse, based_on, "Den ena."),
        lambda: _save_plan_from(county, county.coordinator, based_on, "Den andra."),
    )
    saved = [o for o in outcomes if isinstance(o, PlanVersion)]
    stale = [o for o in outcomes if isinstance(o, StaleEdit)]
    assert (len(saved), len(stale)) == (1, 1), outcomes
    assert PlanVersion.objects.count() == based_on + 1
    assert PlanVersion.objects.order_by("-number").first().goals == saved[0].goals


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("seed_rows_put_back")
def test_two_sip_saves_at_once_from_the_same_version_one_wins(county, coordination, monkeypatch):
    save_sip(county)
    meet_after(monkeypatch, actions, "acting_unit")

    def save(user, goal):
        return lambda: actions.sip_version_create(
            actor=Actor(user, county.clinic, "req-y"),
            access=access_of(user, county.patient, county.clinic),
            **(sip_data(county) | {"goal": goal, "version": 1}),
        )

    outcomes = at_once(save(county.nurse, "Regionens."), save(county.social_worker, "Kommunens."))
    assert sorted(type(o).__name__ for o in outcomes) == ["SipVersion", "StaleEdit"], outcomes
    assert SipVersion.objects.count() == 2
