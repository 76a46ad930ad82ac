"""The block pages: record the person's block of the active unit's records, and lift it.

Only a staff member with a relationship at the active unit reaches them (`access_for_acting`:
"not found" for everyone else); each request logs one row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.core.forms import run_action

from . import blocks, selectors
from .forms import BlockForm, BlockLiftForm
from .log import Actor, record_access


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
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
        request, "access/blocks.html", {"person": access.person, "here": here, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
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
    return render(
        request, "access/block_lift.html", {"person": access.person, "block": block, "form": form}
    )
