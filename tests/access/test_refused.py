"""Refused requests leave a trace: a person URL answering "not found" to a member of staff
writes one refused row (`access.refusals`), for a person who exists and for an id nobody has;
the answer stays the same 404, and an allowed request writes no refused row."""

import re

import pytest
from django.db import connections
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from helhet.access import policy
from helhet.access.models import AccessLogEntry, Basis

from .. import factories as f
from .conftest import log_in

NOBODY = 987_654


def rows_after(before: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=before))


def last_row() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def page(response, url: str) -> str:
    """The page without its CSRF token and the address asked for."""
    return re.sub(r'"[A-Za-z0-9]{64}"', "TOKEN", response.text).replace(url, "URL")


def overview(person_id: int) -> str:
    return reverse("people:overview", args=[person_id])


def test_a_refused_person_url_writes_one_refused_row_naming_the_person(client, county):
    log_in(client, county.outsider, county.other_unit)
    before = last_row()
    assert client.get(overview(county.patient.pk)).status_code == 404
    [row] = rows_after(before)
    assert (row.action, row.user_id, row.organisation_id, row.unit_id, row.person_id) == (
        "refused",
        county.outsider.pk,
        county.region.pk,
        county.other_unit.pk,
        county.patient.pk,
    )
    assert (row.what, row.basis, row.consent_id, row.emergency) == (
        "request refused: people:overview",
        Basis.NONE,
        None,
        False,
    )


def test_an_id_nobody_has_writes_a_refused_row_without_a_person(client, county):
    log_in(client, county.outsider, county.other_unit)
    before = last_row()
    missing = client.get(overview(NOBODY))
    hidden = client.get(overview(county.patient.pk))
    assert missing.status_code == hidden.status_code == 404
    # the same "not found", nothing more (but the address asked for)
    assert page(missing, overview(NOBODY)) == page(hidden, overview(county.patient.pk))
    rows = rows_after(before)
    assert [(r.action, r.person_id, r.what) for r in rows] == [
        ("refused", None, f"request refused: people:overview, no person with id {NOBODY}"),
        ("refused", county.patient.pk, "request refused: people:overview"),
    ]


def test_an_id_too_large_for_any_database_is_refused_like_any_missing_one(client, county):
    log_in(client, county.outsider, county.other_unit)
    before = last_row()
    assert client.get(overview(10**20)).status_code == 404
    [row] = rows_after(before)
    assert (row.action, row.person_id) == ("refused", None)


def test_an_allowed_read_writes_no_refused_row(client, county):
    log_in(client, county.nurse, county.clinic)
    before = last_row()
    assert client.get(overview(county.patient.pk)).status_code == 200
    assert [r.action for r in rows_after(before)] == ["read"]


def test_the_administrator_without_clinical_access_is_refused_without_a_row(client, county):
    log_in(client, county.admin)
    before = last_row()
    assert client.get(overview(county.patient.pk)).status_code == 404
    assert rows_after(before) == []


def test_a_write_refused_after_the_person_was_found_is_logged_too(client, county):
    """Emergency access reads, never writes: the relative form is "not found" for it, and the
    refusal names the person the policy let the user read."""
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider, county.other_unit)
    before = last_row()
    url = reverse("people:relative_add", args=[county.patient.pk])
    assert client.get(url).status_code == 404
    [row] = rows_after(before)
    assert (row.action, row.person_id, row.what) == (
        "refused",
        county.patient.pk,
        "request refused: people:relative_add, after the person was found",
    )


def test_the_refused_row_survives_the_rollback_of_an_atomic_request(client, county, monkeypatch):
    """With ATOMIC_REQUESTS the 404 rolls the view's transaction back (a savepoint, inside
    the test's): the row is written after it, so it stays."""
    monkeypatch.setitem(connections.settings["default"], "ATOMIC_REQUESTS", True)
    log_in(client, county.outsider, county.other_unit)
    before = last_row()
    assert client.get(overview(county.patient.pk)).status_code == 404
    assert [r.action for r in rows_after(before)] == ["refused"]


def test_asked_outside_a_request_the_refusal_is_written_at_once(county):
    request = RequestFactory().get("/")
    request.user, request.unit, request.memberships = county.outsider, None, []
    before = last_row()
    with pytest.raises(Http404):
        policy.person_access(request, county.patient.pk)
    [row] = rows_after(before)
    assert (row.action, row.person_id) == ("refused", county.patient.pk)
