"""The test county: named people by role, as in the healthchecks and zulip test suites.

- nurse: a nurse employed by the region, staff at the clinic;
- social_worker: a social worker employed by the municipality, staff at the clinic;
- coordinator: the clinic's coordinator (region), who may see protected contact details;
- manager: the clinic's manager (municipality), who reviews the access log;
- outsider: a region nurse at another unit, with no relationship to the clinic's persons;
- admin: an administrator with no organisation and no clinical access;
- patient: a person with an open episode at the clinic, opened by the nurse (region-owned),
  with a relative recorded by the nurse. No consent: tests add the consent they need.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import translation

from helhet.access import security
from helhet.core.models import Membership, Organisation, Unit, User

from . import factories as f


@pytest.fixture
def county(db):
    home = f.MunicipalityFactory(code="9901", name="Testby")
    region = f.OrganisationFactory(kind=Organisation.Kind.REGION, name="Region Testland")
    municipality = f.OrganisationFactory(
        kind=Organisation.Kind.MUNICIPALITY, name="Testby kommun", municipality=home
    )
    clinic = f.UnitFactory(
        name="Socialmedicinska mottagningen",
        unit_type=Unit.Type.SOCIAL_MEDICINE,
        organisations=[region, municipality],
        age_min=18,
    )
    other_unit = f.UnitFactory(
        name="Mini-Maria Testby",
        unit_type=Unit.Type.MINI_MARIA,
        organisations=[region, municipality],
        age_min=13,
        age_max=21,
    )

    def staff(username, organisation, profession, unit, role=Membership.Role.STAFF):
        user = f.UserFactory(username=username, organisation=organisation, profession=profession)
        f.MembershipFactory(user=user, unit=unit, role=role)
        return user

    c = SimpleNamespace(
        home=home, region=region, municipality=municipality, clinic=clinic, other_unit=other_unit
    )
    c.nurse = staff("nurse", region, User.Profession.NURSE, clinic)
    c.social_worker = staff("social_worker", municipality, User.Profession.SOCIAL_WORKER, clinic)
    c.coordinator = staff(
        "coordinator", region, User.Profession.COORDINATOR, clinic, Membership.Role.COORDINATOR
    )
    c.manager = staff(
        "manager", municipality, User.Profession.MANAGER, clinic, Membership.Role.MANAGER
    )
    c.outsider = staff("outsider", region, User.Profession.NURSE, other_unit)
    c.admin = User.objects.create_superuser("admin", "admin@example.test", "admin-password-123")
    c.patient = f.PersonFactory(
        given_name="Tolvan",
        family_name="Tolvansson",
        birth_date=datetime.date(1980, 5, 17),
        municipality=home,
        registered_by=c.nurse,
    )
    c.episode = f.EpisodeFactory(
        person=c.patient, unit=clinic, opened_by=c.nurse, opened_on=datetime.date(2026, 1, 15)
    )
    c.relative = f.RelativeFactory(person=c.patient, recorded_by=c.nurse, name="Anna Anhörig")
    return c


@pytest.fixture
def consent_for_coordination(county):
    """An active written consent at the clinic: coordination, and the region's relatives records
    disclosed to the municipality."""
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="relatives",
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="enrolment",
    )
    return consent


@pytest.fixture(autouse=True)
def _the_default_language():
    """Each test starts in the test settings' language: a request may leave another active."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _access_changes_unlogged(request):
    """The fixtures' and factories' users, units and memberships are reference data set up for
    the test, not access changes under test: unlogged, unless the test asks for
    `access_changes_logged` (tests/access/test_security_events.py)."""
    if "access_changes_logged" in request.fixturenames:
        yield
        return
    with security.unlogged():
        yield


@pytest.fixture
def access_changes_logged():
    """Access changes are logged in this test, as they are outside the tests."""
