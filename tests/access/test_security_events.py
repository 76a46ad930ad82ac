"""Access changes are security events: users, memberships, units, organisations and steering
groups changed in the admin site (or anywhere else) write sealed rows to the access log."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from helhet.access import log, security
from helhet.access.models import AccessLogEntry
from helhet.core.models import Membership, Organisation, Unit, User
from helhet.followup.models import SteeringGroup

from .. import factories as f

pytestmark = pytest.mark.usefixtures("access_changes_logged")


def security_rows(after: int = 0) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=AccessLogEntry.Action.SECURITY, id__gt=after))


def last_id() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def admin_client(client, county):
    client.force_login(county.admin)
    return client


def test_admin_adding_a_membership_writes_a_security_row_naming_the_admin(admin_client, county):
    newcomer = f.UserFactory(username="newcomer", organisation=county.municipality)
    start = last_id()
    response = admin_client.post(
        reverse("admin:core_membership_add"),
        {"user": newcomer.pk, "unit": county.clinic.pk, "role": Membership.Role.STAFF},
    )
    assert response.status_code == 302
    [row] = security_rows(start)
    assert (row.user_id, row.organisation_id, row.unit_id, row.person_id) == (
        county.admin.pk,
        county.municipality.pk,
        county.clinic.pk,
        None,
    )
    assert row.what.startswith("membership created: newcomer")
    assert "role staff" in row.what and row.basis == "none"
    assert log.verify() is None


def test_admin_changing_a_role_names_the_old_and_the_new_role(admin_client, county):
    membership = Membership.objects.get(user=county.nurse)
    start = last_id()
    response = admin_client.post(
        reverse("admin:core_membership_change", args=[membership.pk]),
        {"user": county.nurse.pk, "unit": county.clinic.pk, "role": Membership.Role.COORDINATOR},
    )
    assert response.status_code == 302
    [row] = security_rows(start)
    assert row.what.startswith("membership changed: ")
    assert row.what.endswith("role staff → coordinator")
    assert (row.organisation_id, row.unit_id) == (county.region.pk, county.clinic.pk)


def test_saving_a_membership_unchanged_writes_no_row(admin_client, county):
    membership = Membership.objects.get(user=county.nurse)
    start = last_id()
    admin_client.post(
        reverse("admin:core_membership_change", args=[membership.pk]),
        {"user": county.nurse.pk, "unit": county.clinic.pk, "role": Membership.Role.STAFF},
    )
    assert security_rows(start) == []


def test_deleting_a_membership_is_logged(admin_client, county):
    membership = Membership.objects.get(user=county.outsider)
    start = last_id()
    response = admin_client.post(
        reverse("admin:core_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Membership.objects.filter(pk=membership.pk).exists()
    [row] = security_rows(start)
    assert row.what.startswith("membership deleted: ")
    assert (row.organisation_id, row.unit_id) == (county.region.pk, county.other_unit.pk)


def unit_form(unit: Unit, **changes) -> dict:
    data = {
        "name": unit.name,
        "slug": unit.slug,
        "unit_type": unit.unit_type,
        "organisations": [o.pk for o in unit.organisations.all()],
        "age_min": unit.age_min or "",
        "age_max": unit.age_max or "",
        "target_group": unit.target_group,
        "access_mode": unit.access_mode,
        "referral_wait_limit_days": unit.referral_wait_limit_days,
        "no_contact_weeks": unit.no_contact_weeks,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    return data | changes


def test_changing_a_units_access_mode_is_logged_for_each_organisation_running_it(
    admin_client, county
):
    start = last_id()
    response = admin_client.post(
        reverse("admin:core_unit_change", args=[county.clinic.pk]),
        unit_form(county.clinic, access_mode=Unit.AccessMode.CASE_TEAM),
    )
    assert response.status_code == 302, response.content
    rows = security_rows(start)
    assert {r.organisation_id for r in rows} == {county.region.pk, county.municipality.pk}
    assert {r.unit_id for r in rows} == {county.clinic.pk}
    assert all(r.what.endswith("access_mode team → case_team") for r in rows)


def test_adding_an_organisation_to_a_unit_names_it(admin_client, county):
    other = f.OrganisationFactory(name="Annan kommun", kind=Organisation.Kind.MUNICIPALITY)
    start = last_id()
    admin_client.post(
        reverse("admin:core_unit_change", args=[county.clinic.pk]),
        unit_form(
            county.clinic,
            organisations=[county.region.pk, county.municipality.pk, other.pk],
        ),
    )
    rows = security_rows(start)
    assert other.pk in {r.organisation_id for r in rows}
    assert all("organisations + Annan kommun" in r.what for r in rows)


def test_creating_an_organisation_is_logged_under_that_organisation(admin_client, county):
    start = last_id()
    admin_client.post(
        reverse("admin:core_organisation_add"),
        {
            "kind": Organisation.Kind.REGION,
            "name": "Region Nyland",
            "organisation_number": "232100-9999",
        },
    )
    created = Organisation.objects.get(name="Region Nyland")
    [row] = security_rows(start)
    assert row.organisation_id == created.pk and row.what.startswith("organisation created: ")


def test_adding_a_steering_group_member_is_logged(admin_client, county):
    group = SteeringGroup.objects.create(name="Styrgruppen")
    group.units.add(county.clinic)
    start = last_id()
    response = admin_client.post(
        reverse("admin:followup_steeringgroup_change", args=[group.pk]),
        {"name": "Styrgruppen", "units": [county.clinic.pk], "members": [county.manager.pk]},
    )
    assert response.status_code == 302
    # The group follows up a unit that both run: both organisations' review sees it.
    rows = security_rows(start)
    assert {r.organisation_id for r in rows} == {county.region.pk, county.municipality.pk}
    assert all(r.what.startswith("steering group changed: Styrgruppen") for r in rows)
    assert all("members + manager" in r.what and r.user_id == county.admin.pk for r in rows)


def user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "10:00:00",
        "organisation": user.organisation_id or "",
        "profession": user.profession,
    }
    data |= changes
    return {k: v for k, v in data.items() if v != ""}


def test_deactivating_a_user_names_the_change_under_their_employer(admin_client, county):
    start = last_id()
    response = admin_client.post(
        reverse("admin:core_user_change", args=[county.nurse.pk]),
        user_form(county.nurse, is_active=""),
    )
    assert response.status_code == 302, response.content
    [row] = security_rows(start)
    assert row.organisation_id == county.region.pk
    assert row.what.startswith("user changed: ") and row.what.endswith("is_active True → False")


def test_moving_a_user_to_another_employer_is_logged_for_both(admin_client, county):
    start = last_id()
    admin_client.post(
        reverse("admin:core_user_change", args=[county.nurse.pk]),
        user_form(county.nurse, organisation=county.municipality.pk),
    )
    rows = security_rows(start)
    assert {r.organisation_id for r in rows} == {county.region.pk, county.municipality.pk}
    assert "organisation Region Testland" in rows[0].what


def test_changing_only_a_users_name_writes_no_row(admin_client, county):
    start = last_id()
    admin_client.post(
        reverse("admin:core_user_change", args=[county.nurse.pk]),
        user_form(county.nurse, first_name="Annat"),
    )
    assert security_rows(start) == []


def test_logging_in_writes_no_security_row(client, county):
    start = last_id()
    response = client.post(
        reverse("login"), {"username": "admin", "password": "admin-password-123"}
    )
    assert response.status_code == 302
    assert security_rows(start) == []


def test_a_password_change_is_named_without_its_value(county):
    start = last_id()
    county.admin.set_password("a-new-password-456")
    county.admin.save()
    [row] = security_rows(start)
    assert row.what.startswith("user changed: admin (id ")
    assert ": password" in row.what and "md5" not in row.what and "$" not in row.what


def test_a_change_outside_any_request_names_the_system_user(county):
    start = last_id()
    Membership.objects.create(user=county.outsider, unit=county.clinic)
    [row] = security_rows(start)
    system = User.objects.get(username=security.SYSTEM_USERNAME)
    assert row.user_id == system.pk and " · via " in row.what
    assert not system.is_active and not system.has_usable_password()


def test_createsuperuser_is_logged(county, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-password-789")
    start = last_id()
    call_command("createsuperuser", username="root2", email="root2@example.test", interactive=False)
    [row] = security_rows(start)
    assert row.what.startswith("user created: root2") and "is_superuser True" in row.what


def test_reference_data_made_inside_unlogged_writes_nothing(county):
    start = last_id()
    with security.unlogged():
        f.MembershipFactory(user=county.outsider, unit=county.clinic)
    assert security_rows(start) == []
