"""The access policy's core rules, straight on the policy (the pages are tested in the matrix)."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from helhet.access import policy
from helhet.access.models import Basis
from helhet.core.models import Membership


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    request.unit = request.memberships[0].unit if request.memberships else None
    return request


def test_nurse_of_the_owning_organisation_sees_the_person_on_own_basis(county):
    access = policy.person_access(_request(county.nurse), county.patient.pk)
    assert access.person_grant.basis == Basis.OWN_ORGANISATION


def test_social_worker_of_the_other_organisation_cannot_see_the_person_without_consent(county):
    with pytest.raises(Http404):
        policy.person_access(_request(county.social_worker), county.patient.pk)
    assert county.patient not in policy.visible_persons(county.social_worker)


def test_social_worker_sees_the_person_under_a_coordination_consent(
    county, consent_for_coordination
):
    access = policy.person_access(_request(county.social_worker), county.patient.pk)
    assert access.person_grant == policy.Grant(Basis.CONSENT, consent_for_coordination)
    assert county.patient in policy.visible_persons(county.social_worker)


def test_outsider_and_admin_get_not_found(county):
    for user in (county.outsider, county.admin):
        with pytest.raises(Http404):
            policy.person_access(_request(user), county.patient.pk)
        assert not policy.visible_persons(user).exists()


def test_readable_q_lets_the_owning_organisation_read_its_own_records_only(county):
    access = policy.person_access(_request(county.nurse), county.patient.pk)
    assert access.readable_owner_ids("relatives") == {county.region.pk}


def test_readable_q_adds_an_organisation_only_for_the_category_its_consent_discloses(
    county, consent_for_coordination
):
    access = policy.person_access(_request(county.social_worker), county.patient.pk)
    both = {county.region.pk, county.municipality.pk}
    assert access.readable_owner_ids("relatives") == both
    assert access.readable_owner_ids("assessments") == {county.municipality.pk}
    assert access.readable_q("assessments", owner_field="owner") == policy.Q(
        owner__in=[county.municipality.pk]
    )
