"""Who may do what with a unit's surveys. Deny by default; "not found" for "not yours" alike.

- Staff of the unit (any role): start a kiosk, hand out codes, enter paper answers, review the
  comments.
- The results and the user-influence routines are read by whoever may follow the unit up
  (`followup.access`: its managers and coordinators, its steering groups) and edited by the
  unit's managers and coordinators.
"""

from __future__ import annotations

from django.http import Http404

from helhet.core.models import Membership, Unit, User
from helhet.followup import access as followup_access


def staff_unit_or_404(user: User, unit_id: int) -> Unit:
    """The unit UNIT_ID if USER is on its staff (any role); Http404 otherwise."""
    unit = Unit.objects.filter(pk=unit_id, memberships__user=user).first()
    if unit is None:
        raise Http404
    return unit


def readable_unit_or_404(user: User, unit_id: int) -> Unit:
    """The unit UNIT_ID if USER may follow it up (its survey results, its council)."""
    return followup_access.unit_followup(user, unit_id).unit


def may_edit_council(user: User, unit: Unit) -> bool:
    """The unit's managers and coordinators record meetings and proposals and answer them."""
    return Membership.objects.filter(
        user=user, unit=unit, role__in=followup_access.FOLLOW_UP_ROLES
    ).exists()


def council_unit_or_404(user: User, unit_id: int) -> Unit:
    """The unit UNIT_ID if USER is its manager or coordinator; Http404 otherwise."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not may_edit_council(user, unit):
        raise Http404
    return unit
