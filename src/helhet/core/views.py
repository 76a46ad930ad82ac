from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from helhet.access import policy

from . import today
from .converters import parse_id
from .middleware import ACTIVE_UNIT_SESSION_KEY


@login_required
@require_GET
def home(request):
    """The start page for the day (`today.today`); administrators and steering-group members
    go to the only pages they have."""
    if request.user.organisation_id is None and request.user.is_staff:
        return redirect("admin:index")
    if not request.memberships and request.user.steering_groups.exists():
        return redirect("followup:index")  # a steering-group member: follow-up only
    if not policy.is_clinical(request.user):
        return redirect("care:caseload")  # says that there is no unit
    return render(request, "core/start.html", {"today": today.today(request)})


@login_required
@require_POST
def switch_unit(request):
    """Make one of the user's units the active one; other ids are ignored."""
    unit_id = parse_id(request.POST.get("unit"))
    if any(m.unit_id == unit_id for m in request.memberships):
        request.session[ACTIVE_UNIT_SESSION_KEY] = unit_id
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "core:home"
    return redirect(next_url)
