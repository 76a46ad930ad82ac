"""The timeline pages: the person's full timeline (filters, older items) and the overview's
block of the newest items.

Views are short: access through helhet.access.policy, reads through the selector; each request
logs one row.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_access

from . import selectors
from .forms import TimelineFilter

# Items on a page of the whole timeline: 25 fill a screen or two; the older ones are a link
# away (each item is a query row, policy checks and a rendered block: 50 cost twice as much).
PAGE_SIZE = 25
LATEST = 10  # items in the overview's block


@login_required
@require_http_methods(["GET"])
def page(request, person_id: int):
    access = policy.person_access(request, person_id)
    form = TimelineFilter(request.GET)
    found = selectors.timeline_page(access, limit=PAGE_SIZE, **form.query())
    record_access(Actor.from_request(request), access, action="read", what="timeline")
    return render(
        request,
        "timeline/page.html",
        {"person": access.person, "access": access, "form": form, "page": found},
    )


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def latest(request, person_id: int):
    """The overview's timeline block (fetched by the overview page, its own log row)."""
    access = policy.person_access(request, person_id)
    found = selectors.timeline_page(access, limit=LATEST)
    record_access(Actor.from_request(request), access, action="read", what="latest timeline")
    return render(
        request,
        "timeline/overview_block.html",
        {"person": access.person, "access": access, "page": found},
    )
