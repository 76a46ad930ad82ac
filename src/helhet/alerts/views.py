"""Adding and ending the warnings shown in the person header.

Views are short: access for writing at the active unit, the action, one log row per request.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access.log import Actor, record_access
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.people.selectors import access_for_writing

from . import actions, selectors
from .forms import AlertEndForm, AlertForm


@login_required
@require_http_methods(["GET", "POST"])
@once
def alert_new(request, person_id: int):
    access = access_for_writing(request, person_id)
    form, actor = AlertForm(request.POST or None), Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.alert_add, actor=actor, access=access)
    ):
        messages.success(request, _("The warning is added."))
        return redirect("people:overview", person_id=person_id)
    record_access(actor, access, action="read", what="warning form")
    context = {"form": form, "person": access.person, "access": access}
    return render(request, "alerts/alert_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def alert_end(request, person_id: int, alert_id: int):
    access = access_for_writing(request, person_id)
    alert = selectors.alert_for_ending(access, alert_id)
    data = request.POST if request.method == "POST" else None
    form, actor = AlertEndForm(data), Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.alert_end, actor=actor, access=access, alert_id=alert.pk)
    ):
        messages.success(request, _("The warning is ended."))
        return redirect("people:overview", person_id=person_id)
    record_access(actor, access, action="read", what="warning end form")
    context = {"form": form, "person": access.person, "access": access, "alert": alert}
    return render(request, "alerts/alert_end.html", context)
