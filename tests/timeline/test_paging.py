"""Paging with the keyset cursor: every item once, in order, even when many share a time; the
kinds filter; a cursor that is not one."""

import datetime

from django.urls import reverse

from helhet.timeline import views
from helhet.timeline.cursor import Cursor, day_end
from helhet.timeline.selectors import KINDS, timeline_page

from ..people.utils import log_in
from .conftest import access_of, assessment, at, contact, dispensing, page_url


def all_pages(access, *, limit, kinds=None):
    """Every page's items' keys, following the cursor to the end."""
    pages, cursor = [], None
    while True:
        page = timeline_page(access, before=cursor, kinds=kinds, limit=limit)
        pages.append([item.key for item in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor
        assert len(pages) < 100, "the cursor does not move"


def test_pages_have_no_duplicates_or_gaps_when_items_share_a_time(county):
    same = at(9)
    for _ in range(7):
        contact(county, starts_at=same)
    for _ in range(2):
        dispensing(county, handed_out_at=same)
    for _ in range(3):
        assessment(county, assessed_on=datetime.date(2026, 2, 9))  # the same day, at its end
    contact(county, starts_at=day_end(datetime.date(2026, 2, 9)))  # as the assessments stand
    contact(county, starts_at=at(10, hour=0))  # the next day's first moment
    access = access_of(county.nurse, county.patient, county.clinic)
    whole = [key for page in all_pages(access, limit=1000) for key in page]
    for limit in (1, 2, 3, 5):
        pages = all_pages(access, limit=limit)
        keys = [key for page in pages for key in page]
        assert keys == whole, f"limit {limit}"
        assert all(0 < len(page) <= limit for page in pages)
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)
    # 7 + 2 + 3 + 2 items, and the episode opened
    assert len(whole) == 15


def test_a_dated_item_heads_its_day_above_the_timed_items_and_below_the_next_day(county):
    """Newest first, an item of a date stands at the end of its day: above that day's timed
    items (a late one included), below the next day's first."""
    contact(county, starts_at=at(2, hour=0), note="next day")
    contact(county, starts_at=at(1, hour=23), note="late")
    contact(county, starts_at=at(1, hour=9), note="morning")
    assessment(county, assessed_on=datetime.date(2026, 2, 1))
    contact(county, starts_at=at(31, hour=23, month=1), note="day before")
    access = access_of(county.nurse, county.patient, county.clinic)
    kinds = ["contacts", "assessments"]
    items = timeline_page(access, kinds=kinds).items
    for limit in (1, 2, 3):  # the cursor between pages agrees with the order
        pages = all_pages(access, limit=limit, kinds=kinds)
        assert [key for page in pages for key in page] == [item.key for item in items]
    assert [getattr(item.record, "note", "AUDIT") for item in items] == [
        "next day",
        "AUDIT",
        "late",
        "morning",
        "day before",
    ]


def test_the_cursor_reads_back_what_it_wrote():
    cursor = Cursor(at(9, hour=14), "sip_meeting", 42)
    assert Cursor.parse(str(cursor), KINDS) == cursor
    end_of_time = 253402300799999999  # 9999-12-31 23:59:59.999999 UTC
    for text in ("", "x", "1-contact", "1-nothing-2", "99999999999999999999-contact-1"):
        assert Cursor.parse(text, KINDS) is None
    for text in (f"{end_of_time}-contact-1", "-62135596800000000-contact-1"):
        assert Cursor.parse(text, KINDS) is None


def test_the_older_items_link_leads_to_the_next_page_and_keeps_the_filter(
    client, county, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for day in (5, 4, 3):
        contact(county, starts_at=at(day), note=f"Besök den {day}.")
    log_in(client, county.nurse, county.clinic)
    first = client.get(page_url(county), {"kind": "contacts"})
    assert "Besök den 5." in first.text and "Besök den 3." not in first.text
    cursor = first.context["page"].next_cursor
    assert f"?kind=contacts&amp;before={cursor}" in first.text
    second = client.get(page_url(county), {"kind": "contacts", "before": str(cursor)})
    assert "Besök den 3." in second.text and "Besök den 4." not in second.text
    assert second.context["page"].next_cursor is None
    assert 'rel="next"' not in second.text and "Newest items" in second.text


def test_a_kind_filter_shows_only_that_kind(client, county):
    contact(county, note="Ett besök.")
    assessment(county)
    log_in(client, county.nurse, county.clinic)
    text = client.get(page_url(county), {"kind": "assessments"}).text
    assert "AUDIT" in text and "Ett besök." not in text and "Episode opened" not in text
    assert 'value="assessments" id="id_kind_1" checked' in text


def test_a_kind_named_many_times_is_asked_for_once(client, county):
    contact(county, note="Ett besök.")
    log_in(client, county.nurse, county.clinic)
    response = client.get(page_url(county), {"kind": ["contacts"] * 5})
    assert response.text.count("Ett besök.") == 1
    assert [item.kind for item in response.context["page"].items] == ["contact"]


def test_an_unknown_kind_is_refused_with_a_message_and_every_kind_shown(client, county):
    contact(county, note="Ett besök.")
    log_in(client, county.nurse, county.clinic)
    response = client.get(page_url(county), {"kind": "secrets"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.text and "Ett besök." in response.text


def test_a_broken_cursor_shows_the_newest_items_and_says_so(client, county):
    contact(county, note="Ett besök.")
    log_in(client, county.nurse, county.clinic)
    response = client.get(page_url(county), {"before": "not-a-cursor"})
    assert response.status_code == 200
    assert "The link to older items is not valid; the newest items are shown." in response.text
    assert "Ett besök." in response.text


def test_the_overview_loads_the_block_and_links_to_the_timeline_without_script(client, county):
    text = (
        log_in(client, county.nurse, county.clinic)
        .get(reverse("people:overview", args=[county.patient.pk]))
        .text
    )
    latest = reverse("timeline:latest", args=[county.patient.pk])
    assert f'hx-get="{latest}" hx-trigger="load"' in text
    assert f'href="{page_url(county)}"' in text


def test_the_overview_block_shows_the_ten_newest_items(client, county):
    for day in range(1, 13):
        contact(county, starts_at=at(day), note=f"Besök nummer {day}.")
    text = (
        log_in(client, county.nurse, county.clinic)
        .get(reverse("timeline:latest", args=[county.patient.pk]))
        .text
    )
    assert text.count('class="timeline-item') == 10
    assert "Besök nummer 12." in text and "Besök nummer 2." not in text


def test_the_filter_form_shows_each_choice_and_language_as_asked(client, county):
    """The form is a cached fragment: one choice's or language's must not show for another."""
    log_in(client, county.nurse, county.clinic)
    ticked = 'value="assessments" id="id_kind_1" checked'
    assert ticked in client.get(page_url(county), {"kind": "assessments"}).text
    text = client.get(page_url(county)).text
    assert ticked not in text and 'value="assessments" id="id_kind_1"' in text
    assert "None ticked: every kind." in text
    client.cookies["django_language"] = "sv"
    swedish = client.get(page_url(county)).text
    assert "Om du inte kryssar i något visas alla slag." in swedish
    assert "None ticked: every kind." not in swedish
