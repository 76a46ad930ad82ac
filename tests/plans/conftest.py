"""Helpers for the plan tests: the access object an action takes, a valid SIP, consents."""

import datetime

import pytest
from django.test import RequestFactory

from helhet.access import policy
from helhet.access.log import Actor
from helhet.plans import actions

from .. import factories as f


def access_of(user, person, unit):
    request = RequestFactory().get("/")
    request.user, request.memberships = user, list(user.memberships.all())
    request.unit = unit
    return policy.person_access(request, person.pk)


def disclose(consent, county, *categories, both_ways=True):
    """Let the region (and, BOTH_WAYS, the municipality) disclose CATEGORIES under CONSENT."""
    pairs = [(county.region, county.municipality)]
    if both_ways:
        pairs.append((county.municipality, county.region))
    for source, target in pairs:
        for category in categories:
            f.ConsentDisclosureFactory(
                consent=consent, from_organisation=source, to_organisation=target, category=category
            )


def sip_data(county, **overrides):
    """A SIP with the four elements: the municipality overall responsible."""
    data = {
        "goal": "Att få ett eget boende.",
        "overall_responsible": county.municipality,
        "interventions": [
            {
                "description": "Abstinensbehandling",
                "responsible_organisation": county.region,
                "responsible_staff": county.nurse,
            },
            {
                "description": "Boendestöd",
                "responsible_organisation": county.municipality,
                "responsible_staff": county.social_worker,
            },
        ],
        "measures": [
            {"agency": "forsakringskassan", "agency_name": "", "measure": "Sjukpenning utreds."}
        ],
        "agreed_on": datetime.date(2026, 2, 1),
        "agreed_how": "written",
    }
    return data | overrides


def save_sip(county, user=None, unit=None, **overrides):
    user, unit = user or county.nurse, unit or county.clinic
    access = access_of(user, county.patient, unit)
    return actions.sip_version_create(
        actor=Actor(user, unit, "req-1"), access=access, **sip_data(county, **overrides)
    )


@pytest.fixture
def coordination(county):
    """The person's active coordination consent at the clinic, without disclosures."""
    return f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
