"""The unit's reminder settings: defaults, limits, and the admin form that edits them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from .. import factories as f


@pytest.mark.django_db
def test_a_new_unit_waits_14_days_for_referrals_and_4_weeks_for_contact():
    unit = f.UnitFactory()
    assert (unit.referral_wait_limit_days, unit.no_contact_weeks) == (14, 4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("referral_wait_limit_days", 0), ("referral_wait_limit_days", 366), ("no_contact_weeks", 0)],
)
def test_settings_outside_their_range_are_refused(field, value):
    unit = f.UnitFactory()
    setattr(unit, field, value)
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert field in error.value.message_dict


def test_the_admin_edits_the_reminder_settings(client, county):
    client.force_login(county.admin)
    url = reverse("admin:core_unit_change", args=[county.clinic.pk])
    response = client.get(url)
    assert 'name="referral_wait_limit_days"' in response.text
    assert 'name="no_contact_weeks"' in response.text
    assert "A referral undecided for longer than this" in response.text
