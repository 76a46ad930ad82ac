"""A changed decision keeps its earlier texts (who, when), shown as "changed" with the history
to those who may read the decision; the minutes also as a PDF, logged as the print page."""

import io
import sys

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.conference import actions
from helhet.conference.models import EarlierDecision

from ..log_rows import named
from ..people.utils import log_in, log_rows
from ..plans.conftest import access_of
from .conftest import actor, conference, item, notes_disclosed


def decide(county, found, text, user=None):
    user = user or county.nurse
    return actions.conference_decision_record(
        actor=actor(user, county.clinic),
        access=access_of(user, county.patient, county.clinic),
        item_id=found.pk,
        decision=text,
    )


def held_item(county):
    held = conference(county.clinic, county.nurse, title="Behandlingskonferens")
    return held, item(held, county.patient, county.nurse, reason="Återfall.")


def test_changing_a_decision_keeps_the_earlier_text_with_who_and_when(county):
    _held, found = held_item(county)
    first = decide(county, found, "Ny plan inom två veckor.")
    decide(county, found, "Ny plan inom en vecka.")
    [earlier] = EarlierDecision.objects.filter(item=found)
    assert (earlier.decision, earlier.decided_by, earlier.decided_at) == (
        "Ny plan inom två veckor.",
        county.nurse,
        first.decided_at,
    )
    assert (earlier.organisation, earlier.changed_by) == (county.region, county.nurse)


def test_a_first_decision_has_no_history(county):
    _held, found = held_item(county)
    decide(county, found, "Ny plan.")
    assert not EarlierDecision.objects.exists()


def test_a_refused_change_keeps_no_history(county, consent_for_coordination):
    _held, found = held_item(county)
    decide(county, found, "Regionens beslut.")
    with pytest.raises(ValidationError):
        decide(county, found, "Kommunens ändring.", user=county.social_worker)
    assert not EarlierDecision.objects.exists()


def test_the_conference_page_shows_changed_with_the_history(client, county):
    held, found = held_item(county)
    decide(county, found, "Ny plan inom två veckor.")
    decide(county, found, "Ny plan inom en vecka.")
    log_in(client, county.nurse)
    page = client.get(reverse("conference:conference", args=[held.pk])).text
    assert "Changed" in page and "History: 1 earlier text" in page
    assert "Ny plan inom två veckor." in page and "Ny plan inom en vecka." in page
    item_page = client.get(reverse("conference:item", args=[county.patient.pk, found.pk])).text
    assert "Changed" in item_page and "Ny plan inom två veckor." in item_page


def test_an_unchanged_decision_is_not_marked_changed(client, county):
    held, found = held_item(county)
    decide(county, found, "Ny plan.")
    log_in(client, county.nurse)
    page = client.get(reverse("conference:conference", args=[held.pk])).text
    assert "Ny plan." in page and "earlier text" not in page


def test_the_history_is_hidden_with_the_decision_from_the_other_organisation(
    client, county, consent_for_coordination
):
    held, found = held_item(county)
    decide(county, found, "Ny plan inom två veckor.")
    decide(county, found, "Ny plan inom en vecka.")
    log_in(client, county.social_worker)
    page = client.get(reverse("conference:conference", args=[held.pk])).text
    assert "Tolvansson, Tolvan" in page
    assert "två veckor" not in page and "earlier text" not in page
    item_page = client.get(reverse("conference:item", args=[county.patient.pk, found.pk])).text
    assert "två veckor" not in item_page and "earlier text" not in item_page


def test_the_history_shows_under_a_consent_disclosing_notes(client, county):
    held, found = held_item(county)
    decide(county, found, "Ny plan inom två veckor.")
    decide(county, found, "Ny plan inom en vecka.")
    notes_disclosed(county, to=county.municipality)
    log_in(client, county.social_worker)
    page = client.get(reverse("conference:conference", args=[held.pk])).text
    assert "Ny plan inom två veckor." in page


# --- The minutes as PDF ---------------------------------------------------------------------


def pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_minutes_pdf_has_the_items_and_is_logged_as_the_print_page(client, county):
    held, found = held_item(county)
    decide(county, found, "Ny plan.")
    log_in(client, county.nurse)
    print_page = client.get(reverse("conference:minutes", args=[held.pk]))
    assert reverse("conference:minutes_pdf", args=[held.pk]) in print_page.text
    response = client.get(reverse("conference:minutes_pdf", args=[held.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"conference-{held.pk}-minutes.pdf" in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Tolvansson, Tolvan" in text and "Ny plan." in text and "Återfall." in text
    assert named(log_rows(what="conference minutes pdf")) == [county.patient.pk]


def test_another_units_member_gets_no_minutes_pdf(client, county):
    held, _found = held_item(county)
    log_in(client, county.outsider)
    assert client.get(reverse("conference:minutes_pdf", args=[held.pk])).status_code == 404
    assert not log_rows(what="conference minutes pdf")


def test_without_weasyprint_the_pdf_links_the_print_page(client, county, monkeypatch):
    held, _found = held_item(county)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    log_in(client, county.nurse)
    response = client.get(reverse("conference:minutes_pdf", args=[held.pk]))
    assert response.status_code == 503
    assert reverse("conference:minutes", args=[held.pk]) in response.text
