"""The person's log extract (PDL 8 kap. 5 §): which unit and organisation, when, and what.

Only a manager or coordinator of a unit where the person has a care relationship produces it,
from that unit. It lists the accesses logged at the units where the requester has such a
relationship, plus every emergency access from any unit; nothing else, so that it cannot tell
the requester about care relationships elsewhere.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access import log, policy, selectors
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, Basis
from helhet.access.what import what
from helhet.core.models import Membership

from .. import factories as f
from ..people.utils import only_refused
from .conftest import log_in


def url(person):
    return reverse("access:log_extract", args=[person.pk])


def main(response) -> str:
    """The page's main content (the header's unit switcher names the user's own units)."""
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


def read_by(user, unit, person, **flags) -> AccessLogEntry:
    """One sealed "read" row by USER at UNIT about PERSON."""
    entry = log.entry_for(Actor(user, unit), person=person, action="read", what="overview", **flags)
    return log.append([entry])[0]


def emergency_read_by(user, unit, person) -> AccessLogEntry:
    return read_by(
        user, unit, person, basis=Basis.EMERGENCY, emergency=True, without_relationship=True
    )


@pytest.fixture
def third_unit(county):
    """A unit the patient has nothing to do with, with a nurse who took emergency access."""
    unit = f.UnitFactory(name="Beroendeteamet Testby", organisations=[county.region])
    nurse = f.UserFactory(username="er_nurse", organisation=county.region)
    f.MembershipFactory(user=nurse, unit=unit)
    unit.nurse = nurse
    return unit


@pytest.fixture
def care_at_mini_maria(county):
    """The patient is also enrolled at Mini-Maria, where the outsider works with them."""
    return f.EpisodeFactory(
        person=county.patient, unit=county.other_unit, opened_by=county.outsider
    )


# --- Who may produce the extract ----------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_the_units_coordinator_and_manager_may_produce_the_extract(
    client, county, consent_for_coordination, who
):
    log_in(client, getattr(county, who), county.clinic)
    response = client.get(url(county.patient))
    assert response.status_code == 200
    row = AccessLogEntry.objects.get()
    assert (row.person_id, row.action, row.what, row.unit_id) == (
        county.patient.pk,
        "read",
        "log extract",
        county.clinic.pk,
    )


def test_the_region_coordinator_produces_it_on_basis_of_own_organisation(client, county):
    log_in(client, county.coordinator, county.clinic)
    assert client.get(url(county.patient)).status_code == 200
    row = AccessLogEntry.objects.get()
    assert (row.basis, row.consent_id, row.emergency) == (Basis.OWN_ORGANISATION, None, False)


def test_the_municipality_manager_produces_it_under_the_coordination_consent(
    client, county, consent_for_coordination
):
    log_in(client, county.manager, county.clinic)
    assert client.get(url(county.patient)).status_code == 200
    row = AccessLogEntry.objects.get()
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_municipality_manager_without_consent_gets_not_found(client, county):
    log_in(client, county.manager, county.clinic)
    assert client.get(url(county.patient)).status_code == 404
    assert only_refused(AccessLogEntry.objects.all())


@pytest.mark.parametrize("who", ["nurse", "social_worker"])
def test_ordinary_staff_with_a_relationship_get_not_found_and_nothing_is_logged(
    client, county, consent_for_coordination, who
):
    log_in(client, getattr(county, who), county.clinic)
    assert client.get(url(county.patient)).status_code == 404
    assert only_refused(AccessLogEntry.objects.all())


def test_ordinary_staff_get_the_same_answer_as_for_a_person_who_does_not_exist(client, county):
    log_in(client, county.nurse, county.clinic)
    nobody = reverse("access:log_extract", args=[county.patient.pk + 1000])
    refused, missing = client.get(url(county.patient)), client.get(nobody)
    assert refused.status_code == missing.status_code == 404
    token = re.compile(r"[A-Za-z0-9]{64}")
    assert token.sub("", refused.text).replace(url(county.patient), "URL") == token.sub(
        "", missing.text
    ).replace(nobody, "URL")


def test_outsider_and_admin_get_not_found_and_nothing_is_logged(client, county):
    for user in (county.outsider, county.admin):
        log_in(client, user)
        assert client.get(url(county.patient)).status_code == 404
    assert only_refused(AccessLogEntry.objects.all())


def test_emergency_access_alone_does_not_let_a_coordinator_produce_it(client, county):
    Membership.objects.filter(user=county.outsider).update(role=Membership.Role.COORDINATOR)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(url(county.patient)).status_code == 404
    assert only_refused(AccessLogEntry.objects.all())


def test_a_coordinator_with_a_relationship_at_their_unit_may_produce_it(
    client, county, care_at_mini_maria
):
    """The twin of the refusal above: the same coordinator, with the person enrolled there."""
    Membership.objects.filter(user=county.outsider).update(role=Membership.Role.COORDINATOR)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(url(county.patient)).status_code == 200


def test_a_coordinator_working_in_a_unit_without_the_person_gets_not_found(client, county):
    """The extract is produced from the active unit, where the coordinator must have the
    relationship (its own log row names that unit)."""
    f.MembershipFactory(user=county.coordinator, unit=county.other_unit)
    log_in(client, county.coordinator, county.other_unit)
    assert client.get(url(county.patient)).status_code == 404
    log_in(client, county.coordinator, county.clinic)
    assert client.get(url(county.patient)).status_code == 200


# --- What the extract shows ---------------------------------------------------------------


def test_the_extract_leaves_out_the_units_where_the_requester_has_no_relationship(
    client, county, care_at_mini_maria, third_unit
):
    at_clinic = read_by(county.nurse, county.clinic, county.patient)
    read_by(county.outsider, county.other_unit, county.patient)
    emergency = emergency_read_by(third_unit.nurse, third_unit, county.patient)
    log_in(client, county.coordinator, county.clinic)
    response = client.get(url(county.patient))
    page = main(response)
    shown = [e.pk for e in response.context["entries"]]
    assert shown[:2] == [at_clinic.pk, emergency.pk] and len(shown) == 3  # + the extract itself
    assert "Mini-Maria Testby" not in page
    assert "Beroendeteamet Testby" in page and "Emergency access" in page


def test_a_coordinator_at_both_units_sees_the_accesses_of_both(client, county, care_at_mini_maria):
    """The twin of the test above: a relationship at Mini-Maria brings its rows in."""
    f.MembershipFactory(
        user=county.coordinator, unit=county.other_unit, role=Membership.Role.COORDINATOR
    )
    at_mini_maria = read_by(county.outsider, county.other_unit, county.patient)
    log_in(client, county.coordinator, county.clinic)
    response = client.get(url(county.patient))
    assert at_mini_maria.pk in [e.pk for e in response.context["entries"]]
    assert "Mini-Maria Testby" in main(response)


def test_staff_membership_at_another_unit_does_not_bring_its_rows_in(
    client, county, care_at_mini_maria
):
    """Only units where the requester is manager or coordinator are covered."""
    f.MembershipFactory(user=county.coordinator, unit=county.other_unit)
    at_mini_maria = read_by(county.outsider, county.other_unit, county.patient)
    log_in(client, county.coordinator, county.clinic)
    response = client.get(url(county.patient))
    assert at_mini_maria.pk not in [e.pk for e in response.context["entries"]]
    assert "Mini-Maria Testby" not in main(response)


def test_every_emergency_access_is_listed_whatever_the_unit(client, county, third_unit):
    emergency = emergency_read_by(third_unit.nurse, third_unit, county.patient)
    at_third_unit = read_by(third_unit.nurse, third_unit, county.patient)
    log_in(client, county.manager, county.clinic)
    f.ConsentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    shown = [e.pk for e in client.get(url(county.patient)).context["entries"]]
    assert emergency.pk in shown and at_third_unit.pk not in shown


def test_the_page_says_which_units_and_period_the_extract_covers(client, county):
    log_in(client, county.coordinator, county.clinic)
    response = client.get(url(county.patient))
    page = response.content.decode()
    assert [u.pk for u in response.context["covered_units"]] == [county.clinic.pk]
    registered = timezone.localtime(county.patient.registered_at).date().isoformat()
    covers = page.split('id="extract-covers"')[1].split("</section>")[0]
    assert "Socialmedicinska mottagningen" in covers
    assert registered in covers and timezone.localdate().isoformat() in covers
    assert "emergency access" in covers.lower()


def test_producing_the_extract_writes_exactly_one_read_row_which_it_lists(client, county):
    log_in(client, county.coordinator, county.clinic)
    response = client.get(url(county.patient))
    assert [(r.action, r.what, r.person_id) for r in AccessLogEntry.objects.all()] == [
        ("read", "log extract", county.patient.pk)
    ]
    assert [e.what for e in response.context["entries"]] == ["log extract"]


def test_the_extract_leaves_out_staff_names_and_other_persons_rows(client, county):
    other = f.PersonFactory(registered_by=county.nurse, given_name="Annan")
    read_by(county.nurse, county.clinic, other)
    read_by(county.nurse, county.clinic, county.patient)
    log_in(client, county.coordinator, county.clinic)
    response = client.get(url(county.patient))
    assert {e.person_id for e in response.context["entries"]} == {county.patient.pk}
    table = response.content.decode().split("<table>")[1]
    assert county.nurse.get_full_name() not in table and "nurse" not in table
    assert "Annan" not in response.content.decode()


def test_each_access_says_what_was_read_in_the_readers_language(client, county, settings):
    read_by(county.nurse, county.clinic, county.patient)
    nurse_at_the_clinic = Actor(county.nurse, county.clinic)
    log.record_listing(nurse_at_the_clinic, [county.patient], action="search", what="search")
    log_in(client, county.coordinator, county.clinic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    table = main(client.get(url(county.patient))).split("<tbody>")[1]

    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    cells = [[c.strip() for c in row.split("|") if c.strip()] for row in rows]
    what = [row[3:5] for row in cells if len(row) > 4]
    assert what == [["Läst", "översikt"], ["Sök", "sökresultat"], ["Läst", "loggutdrag"]]
    assert "person)" not in table and "personer)" not in table  # no list's count


def test_the_extract_has_a_print_button_hidden_when_printed(client, county):
    log_in(client, county.coordinator, county.clinic)
    page = client.get(url(county.patient)).content.decode()
    assert 'class="actions no-print"' in page and 'id="print-button"' in page
    assert "access/print.js" in page


def test_the_extract_makes_the_same_number_of_queries_for_many_rows(client, county, third_unit):
    log_in(client, county.coordinator, county.clinic)
    client.get(url(county.patient))
    with CaptureQueriesContext(connection) as few:
        client.get(url(county.patient))
    for _ in range(5):
        read_by(county.nurse, county.clinic, county.patient)
        emergency_read_by(third_unit.nurse, third_unit, county.patient)
    with CaptureQueriesContext(connection) as many:
        client.get(url(county.patient))
    assert len(many) == len(few)


def test_may_produce_log_extract_answers_as_the_page_does(county, consent_for_coordination, rf):
    """The helper the overview can use to offer the link: the same answer as the page."""

    def access_of(user):
        request = rf.get("/")
        request.user, request.memberships = user, list(user.memberships.all())
        return policy.person_access(request, county.patient.pk)

    assert selectors.may_produce_log_extract(access_of(county.coordinator), county.clinic)
    assert selectors.may_produce_log_extract(access_of(county.manager), county.clinic)
    assert not selectors.may_produce_log_extract(access_of(county.nurse), county.clinic)
    assert not selectors.may_produce_log_extract(access_of(county.coordinator), None)


# --- What each row says: in the reader's language, the sealed text unchanged ----------------


def test_the_extract_names_what_changed_and_what_was_refused_in_swedish_not_code_names(
    client, county
):
    stored = [
        what("person details changed", "address, postal_code"),
        what("request refused", "plans:sip_print"),
    ]
    for text in stored:
        entry = log.entry_for(
            Actor(county.nurse, county.clinic), person=county.patient, action="update", what=text
        )
        log.append([entry])
    log_in(client, county.coordinator, county.clinic)

    client.cookies["django_language"] = "sv"  # the user's language

    page = main(client.get(url(county.patient)))

    assert "personens uppgifter ändrade: adress, postnummer" in page
    assert "begäran nekad: utskrift av SIP" in page
    assert "postal_code" not in page and "plans:sip_print" not in page
    assert {row.what for row in AccessLogEntry.objects.all()} >= set(stored)  # sealed as written
    call_command("verify_log", stdout=io.StringIO())  # exits 1 on a broken chain
