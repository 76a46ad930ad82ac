"""A number too long for an id, in a URL's path or its query, is "not found" (or ignored), never
an integer the database cannot hold (OverflowError on SQLite: a 500): the `id` converter
(core/converters.py) and `parse_id`."""

import pytest
from django.urls import NoReverseMatch, reverse

from helhet.core.converters import parse_id

from ..people.utils import log_in

HUGE = "9" * 25
LONGEST = "9" * 18  # the longest id the converter accepts: fits both databases' bigint


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
    ],
)
def test_a_25_digit_id_in_a_path_is_not_found(client, county, path):
    log_in(client, county.coordinator)
    assert client.get(path).status_code == 404


def test_the_longest_id_is_asked_of_the_database_and_not_found(client, county):
    log_in(client, county.nurse)
    assert client.get(f"/persons/{LONGEST}/").status_code == 404
    assert client.get(f"/persons/{county.patient.pk}/").status_code == 200


def test_an_id_is_reversed_with_ascii_digits_only():
    assert reverse("people:overview", args=[12]) == "/persons/12/"
    with pytest.raises(NoReverseMatch):
        reverse("people:overview", args=[HUGE])


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
