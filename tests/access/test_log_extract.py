"""The person's log extract (PDL 8 kap. 5 §): which unit and organisation, when, and what."""

from django.urls import reverse

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry

from .. import factories as f
from .conftest import log_in


def url(person):
    return reverse("access:log_extract", args=[person.pk])


def test_the_extract_lists_every_unit_and_organisation_that_accessed_the_person(client, county):
    log.append(
        [
            log.entry_for(
                Actor(county.nurse, county.clinic),
                person=county.patient,
                action="read",
                what="overview",
            ),
            log.entry_for(
                Actor(county.outsider, county.other_unit),
                person=county.patient,
                action="read",
                what="overview",
                basis="emergency",
                emergency=True,
            ),
        ]
    )
    log_in(client, county.nurse, county.clinic)
    response = client.get(url(county.patient))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tolvan Tolvansson" in page and county.patient.formatted_identity_number in page
    for name in ("Socialmedicinska mottagningen", "Mini-Maria Testby", "Region Testland"):
        assert name in page
    assert "Emergency access" in page
    assert len(response.context["entries"]) == 3  # the two above and this extract itself


def test_producing_the_extract_writes_exactly_one_read_row(client, county):
    log_in(client, county.nurse, county.clinic)
    client.get(url(county.patient))
    assert [(r.action, r.what, r.person_id) for r in AccessLogEntry.objects.all()] == [
        ("read", "log extract", county.patient.pk)
    ]


def test_the_extract_leaves_out_staff_names_and_other_persons_rows(client, county):
    other = f.PersonFactory(registered_by=county.nurse, given_name="Annan")
    log.append(
        [
            log.entry_for(
                Actor(county.nurse, county.clinic), person=other, action="read", what="overview"
            )
        ]
    )
    log_in(client, county.nurse, county.clinic)
    response = client.get(url(county.patient))
    assert [e.person_id for e in response.context["entries"]] == [county.patient.pk]
    table = response.content.decode().split("<table>")[1]
    assert county.nurse.get_full_name() not in table
    assert "Annan" not in response.content.decode()


def test_the_extract_has_a_print_button_hidden_when_printed(client, county):
    log_in(client, county.nurse, county.clinic)
    page = client.get(url(county.patient)).content.decode()
    assert 'class="actions no-print"' in page and 'id="print-button"' in page
    assert "access/print.js" in page


def test_social_worker_under_consent_may_open_the_extract(client, county, consent_for_coordination):
    log_in(client, county.social_worker, county.clinic)
    assert client.get(url(county.patient)).status_code == 200
    assert AccessLogEntry.objects.get().basis == "consent"


def test_outsider_and_admin_get_not_found_and_nothing_is_logged(client, county):
    for user in (county.outsider, county.admin, county.social_worker):
        log_in(client, user)
        assert client.get(url(county.patient)).status_code == 404
    assert not AccessLogEntry.objects.exists()
