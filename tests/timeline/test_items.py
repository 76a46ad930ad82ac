"""Every source appears in the timeline, newest first, with its unit, owner and basis."""

import datetime
import re

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


def test_each_item_links_to_itself_on_the_page_that_shows_it(client, county, coordination):
    one_of_each(county, coordination)
    log_in(client, county.nurse, county.clinic)
    page = client.get(page_url(county))
    links = {
        item.kind: re.search(r'<a href="([^"]+)"', item_html)[1]
        for item, item_html in zip(
            page.context["page"].items,
            re.findall(r'<li class="timeline-item.*?</li>', page.text, re.S),
            strict=True,
        )
    }
    anchors = {
        "contact": "contact",
        "assessment": "assessment",
        "sip_meeting": "sip-meeting",
        "drug_test": "drug-test",
        "dispensing": "dispensing",
        "episode_opened": "episode",
        "referral": "referral",
        "consent_recorded": "consent",
    }
    for item in page.context["page"].items:
        href = links[item.kind].replace("&amp;", "&")
        if item.kind in anchors:
            anchor = f"{anchors[item.kind]}-{item.record.pk}"
            assert href.endswith(f"#{anchor}"), href
            target = client.get(href.split("#")[0]).text
            assert f'id="{anchor}"' in target, item.kind
        else:  # a version of a plan or the SIP: the page shows that version
            assert href.endswith(f"?version={item.record.pk}"), href


def test_a_contact_links_to_the_page_of_the_list_that_holds_it(client, county, settings):
    settings.HELHET_RECORD_PAGE_SIZE = 3
    oldest = contact(county, starts_at=at(1))
    for day in range(2, 9):
        contact(county, starts_at=at(day))
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:list", args=[county.patient.pk])

    holding = client.get(url, {"contact": oldest.pk})

    assert holding.context["page"].number == 3  # 8 contacts, 3 a page: the oldest on page 3
    assert f'id="contact-{oldest.pk}"' in holding.text
    assert f'id="contact-{oldest.pk}"' not in client.get(url).text


def test_a_contact_the_user_may_not_read_opens_the_first_page_and_tells_nothing(
    client, county, settings
):
    settings.HELHET_RECORD_PAGE_SIZE = 3
    hidden = contact(county, user=county.social_worker, starts_at=at(1))
    for day in range(2, 9):
        contact(county, starts_at=at(day))
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:list", args=[county.patient.pk])

    response = client.get(url, {"contact": hidden.pk})

    assert response.context["page"].number == 1
    assert f"contact-{hidden.pk}" not in response.text
    assert client.get(url, {"contact": "x"}).context["page"].number == 1


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
