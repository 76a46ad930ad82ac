"""The test county's clinic under an agreement of the region and the municipality, in force
(version 1, approved by both), with a steering group that has the clinic.

- coordinator (region) and manager (municipality): managers and coordinators at the clinic,
  each acting for their own party;
- steering: a member of the clinic's steering group (no membership): reads only;
- nurse: staff at the clinic; outsider: staff at another unit; admin: none of it.
"""

import datetime

import pytest

from helhet.core.models import Membership, User
from helhet.followup.models import SteeringGroup
from helhet.governance import actions
from helhet.governance.models import Agreement
from tests import factories as f


def propose(agreement, user, *, based_on=None, **changes):
    data = {
        "parties": list(agreement.units.first().organisations.all()),
        "mission": "Samordnad vård och stöd för vuxna med missbruk.",
        "target_group": "Vuxna med missbruk och psykisk ohälsa.",
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2027, 12, 31),
        "goals": ["Fler får en SIP", "Färre avbrott"],
        "steps": [("Enhetscheferna", 14, False), ("Styrgruppen", 30, True)],
    }
    return actions.version_propose(
        user=user, agreement_id=agreement.pk, based_on=based_on, **(data | changes)
    )


def agreement_in_force(c):
    """The clinic's agreement, version 1 in force (approved by both parties): C.agreement,
    C.v1."""
    c.agreement = Agreement.objects.create(name="Överenskommelse Socialmedicin")
    c.agreement.units.set([c.clinic])
    c.v1 = propose(c.agreement, c.coordinator)
    actions.version_approve(user=c.coordinator, version_id=c.v1.pk)
    actions.version_approve(user=c.manager, version_id=c.v1.pk)
    return c.agreement


@pytest.fixture
def gov(county):
    c = county
    agreement_in_force(c)
    c.steering = f.UserFactory(
        username="steering", organisation=c.region, profession=User.Profession.MANAGER
    )
    group = SteeringGroup.objects.create(name="Styrgruppen Testland")
    group.units.set([c.clinic])
    group.members.set([c.steering])
    c.group = group
    c.other_manager = f.UserFactory(username="other_manager", organisation=c.region)
    f.MembershipFactory(user=c.other_manager, unit=c.other_unit, role=Membership.Role.MANAGER)
    return c
