"""Every source appears in the timeline, newest first, with its unit, owner and basis."""

import datetime

from django.urls import reverse

from helhet.access.models import Basis

from .. import factories as f
from ..people.utils import log_in, log_rows
from .conftest import assessment, at, contact, one_of_each, page_url

HEADINGS = [
    "Consent recorded",  # recorded today, the newest
    "Visit",
    "AUDIT",
    "Treatment plan, version 1",
    "SIP, version 1",
    "SIP meeting",
    "Drug test (urine)",
    "Medication handed out",
    "Episode opened",
    "Referral received",
]


def test_the_nurse_sees_an_item_of_every_kind_newest_first(client, county, coordination):
    one_of_each(county, coordination)
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    missing = [heading for heading in HEADINGS if heading not in text]
    assert missing == []
    positions = [text.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert "Besök, mådde bättre." in text
    assert "Cannabis (THC): <strong>positive</strong>" in text
    assert "Buprenorfin/naloxon 8 mg/2 mg" in text
    assert text.count("Own organisation") == len(HEADINGS)
    assert "Region Testland" in text and "Socialmedicinska mottagningen" in text


def test_each_item_links_to_its_page(client, county, coordination):
    one_of_each(county, coordination)
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    pk = county.patient.pk
    for name in (
        "contacts:list",
        "assessments:history",
        "plans:plans",
        "plans:sip",
        "intake:person_referrals",
        "people:history",
        "contacts:medication",
    ):
        assert reverse(name, args=[pk]) in text, name


def test_times_are_machine_readable(client, county):
    contact(county, starts_at=at(9, hour=14))
    assessment(county, assessed_on=datetime.date(2026, 2, 8))
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    assert (
        '<time datetime="2026-02-09T14:00:00+01:00" class="nowrap">2026-02-09 14:00</time>' in text
    )
    assert '<time datetime="2026-02-08" class="nowrap">2026-02-08</time>' in text


def test_an_incomplete_assessment_is_flagged_with_its_unanswered_items(client, county):
    answers = {str(n): 1 for n in range(1, 11)} | {"3": None, "7": None}
    assessment(county, complete=False, total=None, zone="", answers=answers)
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    assert "Incomplete" in text and "Not scored: items 3, 7 unanswered." in text


def test_a_complete_assessment_shows_its_total_and_zone(client, county):
    assessment(county)
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    assert "Total 10: Zone II: hazardous use" in text and "Incomplete" not in text


def test_a_no_show_is_marked(client, county):
    contact(county, attended=False)
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    assert "No-show" in text


def test_closed_and_reactivated_episodes_and_a_withdrawn_consent_appear(
    client, county, coordination
):
    county.episode.closed_on = datetime.date(2026, 3, 1)
    county.episode.closed_by = county.nurse
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    f.EpisodeFactory(
        person=county.patient,
        unit=county.clinic,
        opened_by=county.nurse,
        opened_on=datetime.date(2026, 3, 10),
        reactivation_of=county.episode,
    )
    coordination.withdrawn_on = datetime.date(2026, 3, 20)
    coordination.withdrawn_by = "Tolvan själv"
    coordination.save()
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    assert "Episode closed" in text and "Reason: " in text
    assert "Episode reactivated" in text
    assert "Consent withdrawn" in text and "withdrawn by Tolvan själv" in text


def test_the_page_logs_one_row_and_the_block_one_row(client, county, coordination):
    one_of_each(county, coordination)
    log_in(client, county.nurse, county.clinic)
    client.get(page_url(county))
    client.get(reverse("timeline:latest", args=[county.patient.pk]))
    rows = log_rows(county.patient)
    assert [(r.action, r.what, r.basis) for r in rows] == [
        ("read", "timeline", Basis.OWN_ORGANISATION),
        ("read", "latest timeline", Basis.OWN_ORGANISATION),
    ]


def test_a_kind_without_items_says_the_timeline_has_nothing(client, county):
    response = log_in(client, county.nurse, county.clinic).get(page_url(county), {"kind": "plans"})
    assert "Nothing in the timeline you may see." in response.text


def test_a_corrected_assessment_and_its_correction_are_marked(client, county):
    earlier = assessment(county, total=12)
    assessment(county, total=10, corrects=earlier, correction_reason="Fel svar på fråga 3.")
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    assert "Corrected</span>" in text and "Correction</span>" in text
    assert "Reason for the correction: Fel svar på fråga 3." in text
