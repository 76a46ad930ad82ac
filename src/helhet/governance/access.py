"""Who may read and who may act on an agreement. Deny by default: "not found" otherwise, as the
follow-up answers (`followup.access`).

- Read: whoever may follow up one of the agreement's units — the units' managers and
  coordinators, and the members of a steering group that has one of them
  (`followup.access.followup_units`). Other staff, administrators and everyone else: 404.
- Act (edit the checklist, staffing, costs and key, propose a version, approve): a manager or
  coordinator at one of the agreement's units whose organisation is a party (`acting_party`).
  A steering-group member reads only. Approvals and a party's own positions and costs are for
  the actor's own organisation only (`actions`).

Nothing here shows a person: no access-log row is written.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from helhet.core.models import Membership, Organisation, User
from helhet.followup.access import FOLLOW_UP_ROLES, followup_units
from helhet.followup.models import SteeringGroup

from .models import Agreement, AgreementVersion


def readable_agreements(user: User) -> QuerySet[Agreement]:
    """The agreements USER may read, by name."""
    return Agreement.objects.filter(units__in=followup_units(user)).distinct().order_by("name")


def may_read_any(user: User) -> bool:
    return readable_agreements(user).exists()


def agreement_or_404(user: User, agreement_id: int) -> Agreement:
    found = readable_agreements(user).filter(pk=agreement_id).first()
    if found is None:
        raise Http404
    return found


def version_or_404(user: User, version_id: int) -> AgreementVersion:
    found = (
        AgreementVersion.objects.filter(
            pk=version_id, agreement__in=readable_agreements(user).values("pk")
        )
        .select_related("agreement")
        .first()
    )
    if found is None:
        raise Http404
    return found


def steering_groups(user: User) -> QuerySet[SteeringGroup]:
    """The steering groups whose page and work USER reads and acts on: a member, or a manager
    or coordinator at one of its units (`steering`: meetings, decisions, the year's cycle)."""
    if not (user.is_authenticated and user.is_active):
        return SteeringGroup.objects.none()
    managed = Membership.objects.filter(user=user, role__in=FOLLOW_UP_ROLES).values("unit")
    ids = SteeringGroup.objects.filter(Q(members=user) | Q(units__in=managed)).values("pk")
    return SteeringGroup.objects.filter(pk__in=ids)


def steering_group_or_404(user: User, group_id: int) -> SteeringGroup:
    """A steering group whose page USER may read (`steering_groups`)."""
    found = steering_groups(user).filter(pk=group_id).first()
    if found is None:
        raise Http404
    return found


def parties(agreement: Agreement) -> QuerySet[Organisation]:
    """The agreement's parties: those of the version in force, else of the latest version, else
    (no version yet) the organisations running its units."""
    versions = agreement.versions.exclude(state=AgreementVersion.State.REPLACED)
    version = versions.filter(state=AgreementVersion.State.IN_FORCE).first() or versions.first()
    if version is not None:
        return version.parties.order_by("name")
    return Organisation.objects.filter(units__agreements=agreement).distinct().order_by("name")


def acting_party(user: User, agreement: Agreement) -> Organisation | None:
    """The party USER acts for on AGREEMENT: their organisation when it is a party and they are
    a manager or coordinator at one of the agreement's units; else None."""
    if not manages(user, agreement) or user.organisation_id is None:
        return None
    return parties(agreement).filter(pk=user.organisation_id).first()


def manages(user: User, agreement: Agreement) -> bool:
    """Whether USER, staff of an organisation, is a manager or coordinator at one of the
    agreement's units (a party added by a proposal approves it so: `actions.version_approve`)."""
    if not (user.is_authenticated and user.is_active) or user.organisation_id is None:
        return False
    return Membership.objects.filter(
        user=user, unit__agreements=agreement, role__in=FOLLOW_UP_ROLES
    ).exists()


def party_choices(agreement: Agreement) -> QuerySet[Organisation]:
    """The organisations a proposal may name as parties: any organisation in Helhet (the region,
    the municipalities, others such as the probation service), by name."""
    return Organisation.objects.order_by("name")
