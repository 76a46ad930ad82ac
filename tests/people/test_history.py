"""A long history on the overview: the open episodes, the consents in force and the latest few
others; everything else on the full-history page, which the same readers may open."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet.access.models import Basis
from helhet.people.selectors import OVERVIEW_LATEST_CLOSED

from .. import factories as f
from .utils import log_in, log_rows

YEARS = range(2000, 2006)  # six closed episodes and six expired consents


def overview_url(person):
    return reverse("people:overview", args=[person.pk])


def history_url(person):
    return reverse("people:history", args=[person.pk])


def _long_history(county, years=YEARS):
    """Closed episodes at the clinic and expired consents there, one of each per year of YEARS,
    and one consent in force; returns the episodes and expired consents, newest first."""
    reason = f.ClosureReasonFactory()
    episodes, consents = [], []
    for year in years:
        episodes.append(
            f.EpisodeFactory(
                person=county.patient,
                unit=county.clinic,
                opened_by=county.nurse,
                opened_on=datetime.date(year, 1, 1),
                closed_on=datetime.date(year, 6, 1),
                closure_reason=reason,
            )
        )
        consents.append(
            f.ConsentFactory(
                person=county.patient,
                unit=county.clinic,
                recorded_by=county.nurse,
                valid_from=datetime.date(year, 1, 1),
                valid_until=datetime.date(year, 12, 31),
                guardian_names=f"Expired {year}",
            )
        )
    f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        valid_from=datetime.date(2026, 1, 1),
        guardian_names="In force",
    )
    return episodes[::-1], consents[::-1]


def test_the_overview_shows_open_episodes_and_the_latest_closed_ones_and_links_the_rest(
    client, county
):
    episodes, _consents = _long_history(county)
    text = log_in(client, county.nurse, unit=county.clinic).get(overview_url(county.patient)).text
    assert f'id="episode-{county.episode.pk}"' in text  # the open one
    shown, left = episodes[:OVERVIEW_LATEST_CLOSED], episodes[OVERVIEW_LATEST_CLOSED:]
    assert all(f'id="episode-{e.pk}"' in text for e in shown)
    assert not any(f'id="episode-{e.pk}"' in text for e in left)
    assert f"{len(left)} earlier episodes: the full history" in text
    assert history_url(county.patient) in text


def test_the_overview_shows_consents_in_force_and_the_latest_others(client, county):
    _episodes, consents = _long_history(county)
    text = log_in(client, county.nurse, unit=county.clinic).get(overview_url(county.patient)).text
    assert "In force" in text
    shown, left = consents[:OVERVIEW_LATEST_CLOSED], consents[OVERVIEW_LATEST_CLOSED:]
    assert all(c.guardian_names in text for c in shown)
    assert not any(c.guardian_names in text for c in left)
    assert f"{len(left)} earlier consents: the full history" in text


def test_a_short_history_has_no_link_to_the_full_history(client, county):
    text = log_in(client, county.nurse, unit=county.clinic).get(overview_url(county.patient)).text
    assert history_url(county.patient) not in text


def test_the_full_history_shows_every_episode_and_consent_and_logs_one_row(client, county):
    episodes, consents = _long_history(county)
    response = log_in(client, county.nurse, unit=county.clinic).get(history_url(county.patient))
    assert response.status_code == 200
    text = response.text
    assert all(f'id="episode-{e.pk}"' in text for e in episodes)
    assert all(c.guardian_names in text for c in consents) and "In force" in text
    assert "earlier episodes: the full history" not in text
    [row] = log_rows(county.patient)
    assert (row.action, row.what, row.basis) == ("read", "history", Basis.OWN_ORGANISATION)


def test_the_full_history_is_not_found_without_a_relationship_only_refused(client, county):
    _long_history(county)
    response = log_in(client, county.outsider).get(history_url(county.patient))
    assert response.status_code == 404
    assert [r.action for r in log_rows(county.patient)] == ["refused"]


def _statements(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum(
        1
        for q in context.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    )


def test_the_overview_and_the_history_take_the_same_queries_however_long_the_history(
    client, county, consent_for_coordination
):
    log_in(client, county.nurse, unit=county.clinic)
    short = (
        _statements(client, overview_url(county.patient)),
        _statements(client, history_url(county.patient)),
    )
    _long_history(county)
    long = (
        _statements(client, overview_url(county.patient)),
        _statements(client, history_url(county.patient)),
    )
    assert long == short and max(long) <= 17  # with the header's warnings, running disputes
