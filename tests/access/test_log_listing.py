"""Log rows for lists (caseload, search): one row naming every person shown, each with their
true basis.

A person listed under a coordination consent is a disclosure: the list names the consent with
the person, as `record_access` does for one person. A person listed under emergency access is
flagged so, and so is the row.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, Basis
from helhet.people.selectors import parse_search, person_search

from .. import factories as f
from ..log_rows import rows_about
from .conftest import log_in


def patient_rows(county):
    return rows_about(county.patient)


def test_a_search_under_consent_logs_the_consent_as_basis(client, county, consent_for_coordination):
    log_in(client, county.social_worker, county.clinic)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [row] = patient_rows(county)
    assert (row.basis, row.consent_id, row.emergency) == (
        Basis.CONSENT,
        consent_for_coordination.pk,
        False,
    )


def test_a_search_in_the_own_organisation_logs_no_consent(client, county, consent_for_coordination):
    log_in(client, county.nurse, county.clinic)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [row] = patient_rows(county)
    assert (row.basis, row.consent_id) == (Basis.OWN_ORGANISATION, None)


def test_the_caseload_under_consent_logs_the_consent_as_basis(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    client.get(reverse("care:caseload"), {"scope": "unit"})
    [row] = patient_rows(county)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_a_search_under_emergency_access_is_flagged_as_emergency(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [row] = patient_rows(county)
    assert (row.basis, row.consent_id, row.emergency, row.without_relationship) == (
        Basis.EMERGENCY,
        None,
        True,
        True,
    )


def test_a_search_by_relationship_is_not_flagged(client, county):
    log_in(client, county.nurse, county.clinic)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [row] = patient_rows(county)
    assert (row.emergency, row.without_relationship) == (False, False)


def test_the_consent_in_force_at_the_actors_unit_is_the_basis(county, consent_for_coordination):
    """Withdrawn consents and consents at other units are not the basis of a list at the clinic."""
    today = timezone.localdate()
    consent_for_coordination.withdrawn_on = today
    consent_for_coordination.withdrawn_by = "the person"
    consent_for_coordination.save()
    in_force = f.ConsentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    f.MembershipFactory(user=county.social_worker, unit=county.other_unit)
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.outsider)
    f.ConsentFactory(
        person=county.patient,
        unit=county.other_unit,
        recorded_by=county.outsider,
        valid_from=today - datetime.timedelta(days=1),
    )
    persons = person_search(
        county.social_worker, parse_search("Tolvansson"), unit_id=county.clinic.pk
    )
    log.record_listing(
        Actor(county.social_worker, county.clinic), persons, action="search", what="s"
    )
    assert [(r.basis, r.consent_id) for r in patient_rows(county)] == [(Basis.CONSENT, in_force.pk)]


def test_logging_a_list_makes_the_same_number_of_queries_for_many_persons(county):
    manager = county.manager

    def listed(n):
        persons = [
            f.PersonFactory(family_name="Listad", registered_by=county.nurse) for _ in range(n)
        ]
        for person in persons:
            f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
            f.ConsentFactory(person=person, unit=county.clinic, recorded_by=county.nurse)
        return list(person_search(manager, parse_search("Listad")))

    few = listed(1)
    with CaptureQueriesContext(connection) as one:
        log.record_listing(Actor(manager, county.clinic), few, action="search", what="s")
    many = listed(5)
    with CaptureQueriesContext(connection) as six:
        log.record_listing(Actor(manager, county.clinic), many, action="search", what="s")
    assert len(many) == 6 and len(six) == len(one)
    rows = list(AccessLogEntry.objects.all())
    assert [len(r.listed_persons()) for r in rows] == [1, 6]
    assert {(i.basis, i.consent_id is not None) for r in rows for i in r.listed_persons()} == {
        (Basis.CONSENT, True)
    }
