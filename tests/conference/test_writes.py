"""Writes on the team conference: putting a person on it, the decision, postponing, the order.
Each is an action by someone with a relationship at the unit, logged; nobody else writes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.conference import actions
from helhet.conference.models import Conference, ConferenceItem
from helhet.core.versions import StaleEdit

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from ..plans.conftest import access_of
from .conftest import actor, at, conference, item

pytestmark = pytest.mark.django_db
Status = ConferenceItem.Status


def item_url(county, found):
    return reverse("conference:item", args=[county.patient.pk, found.pk])


def the_item(held) -> ConferenceItem:
    return held.items.get()


# --- Creating a conference ------------------------------------------------------------------


def test_a_member_creates_the_next_conference(client, county):
    log_in(client, county.nurse)
    data = {"starts_at": at(2).strftime("%Y-%m-%dT%H:%M"), "title": "Torsdagskonferens"}
    response = client.post(reverse("conference:new"), data)
    made = Conference.objects.get()
    assert response.status_code == 302 and made.unit == county.clinic
    assert "Torsdagskonferens" in client.get(reverse("conference:board")).text


def test_a_conference_years_ahead_is_refused_with_the_form(client, county):
    log_in(client, county.nurse)
    data = {"starts_at": "2099-01-01T10:00"}
    response = client.post(reverse("conference:new"), data)
    assert response.status_code == 200 and "Enter a date no later than" in response.text
    assert not Conference.objects.exists()


# --- Putting a person on it -----------------------------------------------------------------


def test_a_member_puts_a_person_on_the_conference_from_its_page(client, county):
    held = conference(county.clinic, county.nurse, days=1)
    log_in(client, county.nurse)
    url = reverse("conference:item_new", args=[held.pk])
    form = client.get(url)
    assert "Tolvansson, Tolvan" in form.text
    assert log_rows(county.patient, what="conference item form")  # the choices are a list
    data = {
        "person": county.patient.pk,
        "reason": "Hemlös sedan en vecka.",
        "brought_by": county.social_worker.pk,
    }
    assert client.post(url, data).status_code == 302
    added = the_item(held)
    assert (added.organisation, added.brought_by, added.reason) == (
        county.region,
        county.social_worker,
        "Hemlös sedan en vecka.",
    )
    assert log_rows(county.patient, what=f"conference item added: {added.pk}", action="create")


def test_a_person_the_user_may_not_see_cannot_be_chosen(client, county):
    held = conference(county.clinic, county.nurse, days=1)
    log_in(client, county.social_worker)  # no consent: the region's patient is not theirs
    url = reverse("conference:item_new", args=[held.pk])
    assert "Tolvansson" not in client.get(url).text
    data = {"person": county.patient.pk, "reason": "x", "brought_by": county.social_worker.pk}
    response = client.post(url, data)
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not ConferenceItem.objects.exists()


def test_a_person_is_put_on_a_conference_from_their_page(client, county):
    held = conference(county.clinic, county.nurse, days=3)
    log_in(client, county.nurse)
    url = reverse("conference:person_add", args=[county.patient.pk])
    assert "Add Tolvan Tolvansson to the team conference" in client.get(url).text
    data = {"conference": held.pk, "reason": "Vill trappa ned.", "brought_by": county.nurse.pk}
    assert client.post(url, data).status_code == 302
    assert the_item(held).reason == "Vill trappa ned."
    again = client.post(url, data)
    assert "The person is already on this conference." in again.text


def test_a_conference_that_is_over_takes_no_one(county):
    held = conference(county.clinic, county.nurse, days=-1)
    with pytest.raises(ValidationError, match="This conference is over"):
        actions.conference_item_add(
            actor=actor(county.nurse, county.clinic),
            access=access_of(county.nurse, county.patient, county.clinic),
            conference=held,
            reason="Sent påkommet.",
        )
    assert not ConferenceItem.objects.exists()


def test_emergency_access_puts_no_one_on_a_conference(client, county):
    conference(county.clinic, county.nurse, days=1)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    url = reverse("conference:person_add", args=[county.patient.pk])
    assert client.post(url, {"reason": "Akut."}).status_code == 404
    assert not ConferenceItem.objects.exists()
    assert only_refused(log_rows(county.patient))


def test_a_conference_of_another_unit_is_not_offered(county):
    elsewhere = conference(county.other_unit, county.outsider, days=1)
    with pytest.raises(ValidationError, match="Choose a conference of your unit"):
        actions.conference_item_add(
            actor=actor(county.nurse, county.clinic),
            access=access_of(county.nurse, county.patient, county.clinic),
            conference=elsewhere,
            reason="Fel enhet.",
        )


# --- The decision ---------------------------------------------------------------------------


def test_the_decision_is_recorded_and_the_item_is_discussed(client, county, today):
    found = the_item(today)
    log_in(client, county.nurse)
    assert "Record the decision" in client.get(item_url(county, found)).text
    data = {"decision": "Boka SIP-möte.", "version": 0}
    assert client.post(item_url(county, found), data).status_code == 302
    found.refresh_from_db()
    assert (found.status, found.decision, found.decided_by, found.decision_organisation) == (
        Status.DISCUSSED,
        "Boka SIP-möte.",
        county.nurse,
        county.region,
    )
    assert found.version == 1
    assert log_rows(county.patient, what=f"conference decision: {found.pk}", action="update")


def test_a_decision_saved_meanwhile_makes_the_edit_stale(county, today):
    found = the_item(today)
    nurse, access = (
        actor(county.nurse, county.clinic),
        access_of(county.nurse, county.patient, county.clinic),
    )
    actions.conference_decision_record(
        actor=nurse, access=access, item_id=found.pk, decision="A.", version=0
    )
    with pytest.raises(StaleEdit):
        actions.conference_decision_record(
            actor=nurse, access=access, item_id=found.pk, decision="B.", version=0
        )
    found.refresh_from_db()
    assert (found.decision, found.version) == ("A.", 1)


def test_a_stale_decision_form_keeps_what_was_typed_and_says_why(client, county, today):
    found = the_item(today)
    log_in(client, county.nurse)
    client.post(item_url(county, found), {"decision": "Först.", "version": 0})
    response = client.post(item_url(county, found), {"decision": "Sedan.", "version": 0})
    assert response.status_code == 200 and "Someone else saved a new version" in response.text
    assert "Sedan." in response.text


def test_the_other_organisation_cannot_change_a_decision(county, today, consent_for_coordination):
    found = the_item(today)
    actions.conference_decision_record(
        actor=actor(county.nurse, county.clinic),
        access=access_of(county.nurse, county.patient, county.clinic),
        item_id=found.pk,
        decision="Regionens beslut.",
    )
    with pytest.raises(ValidationError, match="only its staff may change it"):
        actions.conference_decision_record(
            actor=actor(county.social_worker, county.clinic),
            access=access_of(county.social_worker, county.patient, county.clinic),
            item_id=found.pk,
            decision="Kommunens ändring.",
        )
    found.refresh_from_db()
    assert found.decision == "Regionens beslut."


def test_a_decision_waits_for_the_conference(county):
    later = conference(county.clinic, county.nurse, days=2)
    found = item(later, county.patient, county.nurse)
    with pytest.raises(ValidationError, match="has not been held yet"):
        actions.conference_decision_record(
            actor=actor(county.nurse, county.clinic),
            access=access_of(county.nurse, county.patient, county.clinic),
            item_id=found.pk,
            decision="För tidigt.",
        )


def test_the_social_worker_without_consent_cannot_open_the_item(client, county, today):
    found = the_item(today)
    log_in(client, county.social_worker)
    assert client.post(item_url(county, found), {"decision": "x", "version": 0}).status_code == 404
    assert not ConferenceItem.objects.filter(decided_by__isnull=False).exists()
    assert only_refused(log_rows(county.patient))


# --- Postponing and the order ---------------------------------------------------------------


def test_an_item_is_postponed_to_the_next_conference(client, county, today):
    found = the_item(today)
    following = conference(county.clinic, county.nurse, days=3)
    log_in(client, county.nurse)
    assert client.post(item_url(county, found), {"postpone": "1"}).status_code == 302
    found.refresh_from_db()
    moved = the_item(following)
    assert (found.status, found.postponed_to) == (Status.POSTPONED, moved)
    assert (moved.reason, moved.organisation, moved.status) == (
        found.reason,
        county.region,
        Status.TO_DISCUSS,
    )
    assert log_rows(county.patient, what=f"conference item postponed: {found.pk}")
    minutes = client.get(reverse("conference:minutes", args=[today.pk])).text
    assert "Postponed to the next conference" in minutes


def test_without_a_next_conference_nothing_is_postponed(client, county, today):
    found = the_item(today)
    log_in(client, county.nurse)
    response = client.post(item_url(county, found), {"postpone": "1"}, follow=True)
    assert "There is no later conference: create the next one first." in response.text
    found.refresh_from_db()
    assert found.status == Status.TO_DISCUSS
    assert ConferenceItem.objects.count() == 1


def test_items_move_up_and_down_among_those_the_user_sees(client, county, today):
    first = the_item(today)
    hidden = item(
        today,
        f.EpisodeFactory(unit=county.clinic, opened_by=county.social_worker).person,
        county.social_worker,
        position=1,
    )
    second = item(
        today,
        f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse).person,
        county.nurse,
        position=2,
    )
    log_in(client, county.nurse)
    assert client.post(item_url(county, first), {"move": "down"}).status_code == 302
    order = list(today.items.order_by("position", "pk").values_list("pk", flat=True))
    assert order == [second.pk, hidden.pk, first.pk]
    assert log_rows(county.patient, what="conference item moved: down")
    client.post(item_url(county, first), {"move": "down"})  # at the bottom: nothing moves
    assert list(today.items.order_by("position", "pk").values_list("pk", flat=True)) == order


def test_emergency_access_cannot_move_or_postpone(client, county, today):
    found = the_item(today)
    conference(county.clinic, county.nurse, days=3)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    assert client.post(item_url(county, found), {"postpone": "1"}).status_code == 404
    assert client.post(item_url(county, found), {"move": "up"}).status_code == 404
    found.refresh_from_db()
    assert found.status == Status.TO_DISCUSS
    assert not log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)
