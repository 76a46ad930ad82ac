"""Who may follow up which unit, and whether they see exact small counts. Deny by default.

- A unit's follow-up: the unit's members with role manager or coordinator, and the members of a
  steering group that has the unit. Nobody else: staff (role staff), administrators (no
  membership, no steering group) and everyone else get "not found", exactly as for a unit that
  does not exist.
- Exact small counts: only the unit's own manager or coordinator, on that unit's own pages in
  the browser. A steering-group member sees suppressed figures (counts 1-4 as "<5"), and every
  view that crosses units (the county comparison) is suppressed for everyone.
- The county comparison: anyone who may follow up at least one unit, for all units of a type.

Follow-up pages show aggregates only; nothing here opens a person's records (a steering group
gives no `core.Membership`, hence no care relationship).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from helhet.core.models import Membership, Unit, User

FOLLOW_UP_ROLES = (Membership.Role.MANAGER, Membership.Role.COORDINATOR)


@dataclass(frozen=True)
class FollowupAccess:
    """A unit the user may follow up, and whether they see its exact small counts."""

    unit: Unit
    exact: bool  # the unit's own manager or coordinator

    @property
    def suppress(self) -> bool:
        return not self.exact


def _managed_q(user: User) -> Q:
    return Q(memberships__user=user, memberships__role__in=FOLLOW_UP_ROLES)


def followup_units(user: User) -> QuerySet[Unit]:
    """The units USER may follow up (their own as manager or coordinator, and their steering
    groups' units), by name; none for an anonymous or inactive user."""
    if not (user.is_authenticated and user.is_active):
        return Unit.objects.none()
    return (
        Unit.objects.filter(_managed_q(user) | Q(steering_groups__members=user))
        .distinct()
        .order_by("name")
    )


def may_follow_up(user: User, memberships=None) -> bool:
    """Whether USER may follow up any unit (the menu's "Follow-up" link). MEMBERSHIPS, the
    user's memberships when already loaded (request.memberships), spare a query for managers."""
    if memberships is not None and any(m.role in FOLLOW_UP_ROLES for m in memberships):
        return True
    return followup_units(user).exists()


def unit_followup(user: User, unit_id: int) -> FollowupAccess:
    """The unit UNIT_ID if USER may follow it up; Http404 for "does not exist" and "not yours"
    alike. `exact` only for the unit's own manager or coordinator."""
    own = Membership.objects.filter(user=user, unit=OuterRef("pk"), role__in=FOLLOW_UP_ROLES)
    unit = followup_units(user).filter(pk=unit_id).annotate(exact=Exists(own)).first()
    if unit is None:
        raise Http404
    return FollowupAccess(unit=unit, exact=unit.exact)


def units_or_404(user) -> list[Unit]:
    """The units USER may follow up (see `followup_units`); Http404 when there are none."""
    units = list(followup_units(user))
    if not units:
        raise Http404
    return units


def require_followup(user: User) -> None:
    """Http404 unless USER may follow up at least one unit (the index, the county comparison,
    the definitions)."""
    if not may_follow_up(user):
        raise Http404


def county_units(unit_type: str) -> QuerySet[Unit]:
    """Every unit of UNIT_TYPE in the county, by name: the county comparison crosses units, so
    it is always suppressed."""
    return Unit.objects.filter(unit_type=unit_type).order_by("name")
