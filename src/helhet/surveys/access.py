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

from .models import CouncilMeeting, Proposal


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


def council_meeting_or_404(user: User, meeting_id: int) -> tuple[CouncilMeeting, Unit]:
    """The council meeting MEETING_ID and the unit of it USER edits it for, if USER is a manager
    or coordinator of one of its units; Http404 otherwise."""
    meeting = CouncilMeeting.objects.filter(pk=meeting_id).prefetch_related("units").first()
    units = meeting.units.all() if meeting is not None else []
    unit = next((one for one in units if may_edit_council(user, one)), None)
    if meeting is None or unit is None:
        raise Http404
    return meeting, unit


def council_proposal_or_404(user: User, proposal_id: int) -> Proposal:
    """The proposal PROPOSAL_ID if USER is a manager or coordinator of its unit; Http404
    otherwise."""
    proposal = Proposal.objects.select_related("unit").filter(pk=proposal_id).first()
    if proposal is None or not may_edit_council(user, proposal.unit):
        raise Http404
    return proposal
