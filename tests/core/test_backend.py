"""The signed-in user comes with their organisation: the header names it without a query of
its own; a user made inactive is signed out on their next request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def test_the_header_names_the_organisation_without_a_query_of_its_own(client, county):
    client.force_login(county.nurse)
    with CaptureQueriesContext(connection) as queries:
        text = client.get(reverse("care:caseload")).text
    assert f"{county.nurse.get_full_name()}, {county.region.name}" in text
    own = [q["sql"] for q in queries if q["sql"].startswith('SELECT "core_organisation"')]
    assert own == [], own


def test_a_user_made_inactive_is_signed_out_on_the_next_request(client, county):
    client.force_login(county.nurse)
    assert client.get(reverse("care:caseload")).status_code == 200
    county.nurse.is_active = False
    county.nurse.save()
    response = client.get(reverse("care:caseload"))
    assert response.status_code == 302 and reverse("login") in response.url
