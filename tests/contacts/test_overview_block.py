"""The overview's contact block: a slot on the overview, filled by its own request."""

import datetime

from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Basis

from .. import factories as f
from ..people.utils import log_in, log_rows
from .conftest import disclose


def latest_url(county):
    return reverse("contacts:latest", args=[county.patient.pk])


def test_the_overview_has_the_contact_slot_with_links_but_no_extra_queries(client, county):
    text = (
        log_in(client, county.nurse, county.clinic)
        .get(reverse("people:overview", args=[county.patient.pk]))
        .text
    )
    assert f'hx-get="{latest_url(county)}"' in text
    assert reverse("contacts:new", args=[county.patient.pk]) in text


def test_the_overview_offers_no_new_contact_link_under_emergency_access(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    text = (
        log_in(client, county.outsider)
        .get(reverse("people:overview", args=[county.patient.pk]))
        .text
    )
    assert reverse("contacts:list", args=[county.patient.pk]) in text
    assert reverse("contacts:new", args=[county.patient.pk]) not in text


def test_the_block_counts_the_contacts_the_user_may_read_and_shows_the_latest_three(client, county):
    for days in range(5):
        f.ContactFactory(
            episode=county.episode,
            recorded_by=county.nurse,
            starts_at=timezone.now() - datetime.timedelta(days=days + 1),
        )
    text = log_in(client, county.nurse, county.clinic).get(latest_url(county)).text
    assert "5 contacts you may see." in text
    assert text.count('<th scope="row">') == 3
    [row] = log_rows(county.patient)
    assert (row.what, row.basis) == ("latest contacts", Basis.OWN_ORGANISATION)


def test_the_block_does_not_count_the_regions_contacts_for_the_social_worker_without_disclosure(
    client, county, consent_for_coordination
):
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse)
    f.ContactFactory(episode=county.episode, recorded_by=county.social_worker)
    text = log_in(client, county.social_worker, county.clinic).get(latest_url(county)).text
    assert "1 contact you may see." in text


def test_the_block_counts_them_once_the_consent_covers_contacts(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts")
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse)
    f.ContactFactory(episode=county.episode, recorded_by=county.social_worker)
    text = log_in(client, county.social_worker, county.clinic).get(latest_url(county)).text
    assert "2 contacts you may see." in text


def test_the_block_costs_the_same_queries_for_one_contact_as_for_thirty(
    client, county, django_assert_max_num_queries
):
    log_in(client, county.nurse, county.clinic)
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse)
    with django_assert_max_num_queries(20) as few:
        client.get(latest_url(county))
    for _ in range(29):
        f.ContactFactory(episode=county.episode, recorded_by=county.nurse)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(latest_url(county)).status_code == 200
