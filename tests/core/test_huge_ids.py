"""A number too large for an id, in a URL's path or its query, is "not found" (or ignored),
never an integer the database cannot hold (OverflowError on SQLite: a 500): the `id` converter
(core/converters.py) and `parse_id`. (A person URL's refusal row for it:
tests/access/test_refused.py.)"""

import re

import pytest
from django.urls import reverse

from helhet.core.converters import MAX_ID, parse_id

from ..people.utils import log_in

HUGE = "9" * 25
LONGEST = "9" * 18  # the longest id a query string may give


@pytest.mark.parametrize(
    "path",
    [
        f"/persons/{HUGE}/",
        f"/persons/{HUGE}/contacts/",
        f"/persons/{HUGE}/timeline/",
        f"/persons/{HUGE}/sip/",
        f"/persons/{HUGE}/episodes/{HUGE}/close/",
        f"/persons/{HUGE}/consents/{HUGE}/withdraw/",
        f"/referrals/{HUGE}/",
        f"/followup/units/{HUGE}/",
        f"/followup/exports/{HUGE}/",
        f"/blocks/{HUGE}/lift/",
        f"/governance/agreements/{HUGE}/",
        f"/governance/versions/{HUGE}/",
        f"/governance/steering-groups/{HUGE}/",
        f"/governance/checklist/{HUGE}/",
        f"/governance/positions/{HUGE}/",
        f"/governance/costs/{HUGE}/",
        f"/governance/steering-groups/{HUGE}/meetings/new/",
        f"/governance/meetings/{HUGE}/",
        f"/governance/meetings/{HUGE}/minutes/pdf/",
        f"/governance/decisions/{HUGE}/",
        f"/governance/cycle/{HUGE}/",
    ],
)
def test_a_25_digit_id_in_a_path_is_not_found(client, county, path):
    log_in(client, county.coordinator)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("number", [LONGEST, str(MAX_ID), str(MAX_ID + 1), "9" * 5000])
def test_the_largest_ids_and_beyond_are_not_found(client, county, number):
    log_in(client, county.nurse)
    assert client.get(f"/persons/{number}/").status_code == 404
    assert client.get(f"/persons/{county.patient.pk}/").status_code == 200


def test_an_id_is_read_as_at_most_the_largest_id():
    from django.urls import resolve

    assert resolve("/persons/12/").kwargs == {"person_id": 12}
    assert resolve(f"/persons/{HUGE}/").kwargs == {"person_id": MAX_ID}
    assert reverse("people:overview", args=[12]) == "/persons/12/"


def test_a_huge_version_in_the_query_shows_the_latest(client, county):
    log_in(client, county.nurse)
    url = reverse("plans:sip", args=[county.patient.pk])
    assert client.get(url, {"version": HUGE}).status_code == 200


def test_huge_row_ids_in_the_log_review_are_refused_with_a_reason(client, county):
    log_in(client, county.coordinator)
    response = client.post(
        reverse("access:log_review"), {"mark": "1", "mark-entry_ids": [HUGE, "1"]}
    )
    assert response.status_code == 200
    assert "Choose rows from the table." in response.text


def test_huge_ids_posted_for_an_emergency_review_or_a_case_team_removal_are_not_found(
    client, county
):
    log_in(client, county.coordinator)
    review = client.post(reverse("access:log_review"), {"emergency": HUGE}, follow=True)
    assert review.status_code == 200
    episode = county.patient.episodes.get()
    team = reverse("care:case_team_add", args=[county.patient.pk, episode.pk])
    assert client.post(team, {"remove": HUGE}, follow=True).status_code == 200
    unit = client.post(reverse("core:switch_unit"), {"unit": HUGE, "next": "/tasks/"})
    assert unit.status_code == 302


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (LONGEST, int(LONGEST)), (HUGE, None), ("", None), (None, None), ("-1", None)],
)
def test_parse_id_takes_one_to_eighteen_ascii_digits(value, expected):
    assert parse_id(value) == expected
    assert parse_id("١٢") is None  # Arabic-Indic digits are not an id


def test_every_id_in_every_url_pattern_too_large_is_not_found(client, county):
    """Each pattern with ids, every id 25 digits, and again with the patient's own id: no page
    answers anything but not found (or "method not allowed"), never a 500."""
    from tests.core.test_login_required import url_patterns

    log_in(client, county.coordinator)
    asked = []
    for _name, _entry, parts in url_patterns():
        route = "/" + "".join(str(part) for part in parts)
        if "<id:" not in route:
            continue
        for person in (HUGE, str(county.patient.pk)):
            path = re.sub(
                r"<id:(\w+)>", lambda m, p=person: p if m[1] == "person_id" else HUGE, route
            )
            if HUGE in path:
                asked.append(path)
                assert client.get(path).status_code in (404, 405), path
                assert client.post(path, {}).status_code in (404, 405), path
    assert len(asked) > 30
