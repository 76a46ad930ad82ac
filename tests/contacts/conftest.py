"""Helpers for the contact tests: the catalogue as seeded, and consents that share contacts."""

import pytest

from helhet.contacts.models import Intervention

from .. import factories as f


@pytest.fixture
def catalogue(db) -> dict[str, Intervention]:
    """The seeded catalogue by code (the data migration has run in the test database)."""
    return {i.code: i for i in Intervention.objects.all()}


def disclose(consent, county, *categories):
    """Let the region disclose CATEGORIES to the municipality under CONSENT."""
    for category in categories:
        f.ConsentDisclosureFactory(
            consent=consent,
            from_organisation=county.region,
            to_organisation=county.municipality,
            category=category,
        )
