"""The benchmark rule (issue 3 §9): the timeline costs the same number of queries for a short
history as for a long one; one query per source, the merge in Python."""

import datetime

import pytest

from ..people.utils import LOG_STATEMENTS, log_in
from .conftest import (
    assessment,
    at,
    contact,
    dispensing,
    drug_test,
    latest_url,
    page_url,
    plan_version,
    referral,
    sip,
    sip_meeting,
    sip_version,
)

# The request, measured: session and user (2), the user's memberships (1); the person, episodes
# (each with whether the user is on its case team), consents, disclosures (4); one query per
# source: contacts (+ their interventions), assessments, outcomes, plan versions, SIP versions,
# SIP meetings, referrals, drug tests (+ results), dispensings, team conference decisions (12); the
# owners' names (1); the log row (savepoint, chain head, rows, head, release: 5, and one fewer
# on PostgreSQL); the session kept alive (3). The page's header names the user's organisation:
# it comes with the owners' names.
LATEST_QUERIES = 25 + LOG_STATEMENTS
# The page has the person header too: the case managers of the open episode (its warnings are
# read only for a person who has any, asked with the person).
PAGE_QUERIES = LATEST_QUERIES + 1


def history(county, *, contacts, assessments, versions, first=1):
    """A history of every kind, the sizes given (plan versions numbered from FIRST); spread
    over the days before February."""
    start = at(1)
    for n in range(contacts):
        contact(
            county,
            starts_at=start - datetime.timedelta(hours=5 * n),
            note="Anteckning.",
            interventions=[],
        )
    for n in range(assessments):
        assessment(county, assessed_on=start.date() - datetime.timedelta(days=3 * n))
    the_sip = sip(county)
    for n in range(versions):
        plan_version(county, number=first + n)
        sip_version(county, the_sip, number=first + n)
        sip_meeting(county, the_sip, held_on=start.date() - datetime.timedelta(days=7 * n))
        drug_test(county, taken_at=start - datetime.timedelta(days=n, hours=1))
        dispensing(county, handed_out_at=start - datetime.timedelta(days=n, hours=2))
    referral(county)


@pytest.mark.parametrize(
    "url, expected",
    [(page_url, PAGE_QUERIES), (latest_url, LATEST_QUERIES)],
    ids=["page", "latest"],
)
def test_the_timeline_costs_no_more_queries_for_a_long_history_than_a_short_one(
    client,
    county,
    coordination,
    django_assert_num_queries,
    django_assert_max_num_queries,
    url,
    expected,
):
    """A long history costs no more: once the page is full, the sources asked later read only
    what is newer than its oldest item, and a source with nothing newer loads no related rows
    (interventions, drug-test results), so the long history may cost fewer."""
    log_in(client, county.nurse, county.clinic)
    # The latest block is asked by htmx from the overview: a fragment, without the header.
    headers = {"HX-Request": "true"} if url is latest_url else {}
    history(county, contacts=3, assessments=2, versions=1)
    with django_assert_num_queries(expected):
        assert client.get(url(county), headers=headers).status_code == 200
    history(county, contacts=60, assessments=10, versions=10, first=2)
    with django_assert_max_num_queries(expected):
        response = client.get(url(county), headers=headers)
    assert response.status_code == 200
    assert response.context["page"].items, "the long history is shown"
