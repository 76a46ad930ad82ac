"""The block pages: record the person's block of the active unit's records, and lift it.

Only a staff member with a relationship at the active unit reaches them (`access_for_acting`:
"not found" for everyone else); each request logs one row. The unit's blocks (`/blocks/`):
the active unit's manager or coordinator lists their organisation's blocks in force there and
lifts one at the person's request, without a care relationship ("not found", and a refused
row, for everyone else); each person shown is logged.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.people.models import Person

from . import blocks, policy, refusals, review, selectors
from .forms import BlockForm, BlockLiftForm
from .log import Actor, record_access
from .what import what


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
@once
def block_list(request, person_id: int):
    access = selectors.access_for_acting(request, person_id)
    actor, form = Actor.from_request(request), BlockForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, blocks.block_record, actor=actor, access=access, unit=request.unit)
    ):
        messages.success(request, _("The block is recorded."))
        return redirect("access:blocks", person_id=person_id)
    here = blocks.unit_blocks(access, request.unit)
    record_access(actor, access, action="read", what="blocks")
    return render(
        request,
        "access/blocks.html",
        {"person": access.person, "access": access, "here": here, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@policy.without_page_reads
def block_lift(request, person_id: int, block_id: int):
    access = selectors.access_for_acting(request, person_id)
    block = blocks.block_for_lifting(access, request.unit, block_id)
    actor, form = Actor.from_request(request), BlockLiftForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, blocks.block_lift, actor=actor, access=access, block_id=block.pk)
    ):
        messages.success(request, _("The block is lifted."))
        return redirect("access:blocks", person_id=person_id)
    record_access(actor, access, action="read", what="block lift form")
    cancel = reverse("access:blocks", args=[person_id])
    return render(
        request, "access/block_lift.html", {"lifting": block, "form": form, "cancel": cancel}
    )


def _refused(request, block_id: int | None = None) -> Http404:
    """Not found; for staff, a refused row naming the block's person when the block exists."""
    if not policy.is_clinical(request.user):
        return Http404()
    person = Person.objects.filter(blocks__pk=block_id).first() if block_id else None
    return refusals.refuse(request, person=person)


def _reviewer(request, block_id: int | None = None) -> review.Reviewer:
    try:
        return review.reviewer(request)
    except Http404:
        raise _refused(request, block_id) from None


@login_required
@require_http_methods(["GET"])
def unit_block_list(request):
    reviewer = _reviewer(request)
    in_force = blocks.unit_blocks_in_force(reviewer)
    actor = Actor.from_request(request)
    phrase = what("blocks at the unit")
    blocks.log_unit_blocks(actor, reviewer, in_force, action="read", what=phrase)
    return render(request, "access/unit_blocks.html", {"unit": reviewer.unit, "blocks": in_force})


@login_required
@require_http_methods(["GET", "POST"])
def unit_block_lift(request, block_id: int):
    reviewer = _reviewer(request, block_id)
    block = blocks.unit_block_for_lifting(reviewer, block_id)
    if block is None:
        raise _refused(request, block_id)
    actor, form = Actor.from_request(request), BlockLiftForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form, blocks.unit_block_lift, actor=actor, reviewer=reviewer, block_id=block.pk
        )
    ):
        messages.success(request, _("The block is lifted."))
        return redirect("access:unit_blocks")
    blocks.log_unit_blocks(
        actor, reviewer, [block], action="read", what=what("unit block lift form")
    )
    # The unit's page names the person by number too: there is no person page to go to.
    return render(
        request,
        "access/block_lift.html",
        {"lifting": block, "form": form, "cancel": reverse("access:unit_blocks"), "number": True},
    )
