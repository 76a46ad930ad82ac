"""The care pages: caseload, opening, closing and reactivating episodes, the case team.

Views are short: access through helhet.access.policy, reads through selectors, writes through
actions; each request about one person logs one row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_access, record_listing
from helhet.core.converters import parse_id
from helhet.core.forms import run_action
from helhet.core.models import Unit
from helhet.core.selectors import unit_staff
from helhet.core.submissions import once
from helhet.people.selectors import access_for_enrolling
from helhet.people.views import overview_or_caseload

from . import actions, selectors
from .forms import CaseTeamForm, EpisodeCloseForm, EpisodeOpenForm
from .models import within_reactivation_window


@login_required
@require_http_methods(["GET"])
def caseload(request):
    if request.unit is None or not policy.is_clinical(request.user):
        return render(request, "care/caseload.html", {"page": None})
    whole_unit = request.GET.get("scope") == "unit"
    page = selectors.caseload_page(
        request.user,
        unit=request.unit,
        whole_unit=whole_unit,
        number=request.GET.get("page"),
        units=policy.member_units(request.memberships),
    )
    record_listing(Actor.from_request(request), page.object_list, action="read", what="caseload")
    return render(request, "care/caseload.html", {"page": page, "whole_unit": whole_unit})


@login_required
@require_http_methods(["GET", "POST"])
@once
def episode_open(request, person_id: int):
    access = access_for_enrolling(request, person_id)
    form = EpisodeOpenForm(request.POST or None, serves_relatives=request.unit.serves_relatives)
    actor = Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.episode_open, actor=actor, access=access, unit=request.unit)
    ):
        messages.success(request, _("The episode is opened."))
        return redirect("people:overview", person_id=person_id)
    record_access(actor, access, action="read", what="episode form")
    return render(
        request, "care/episode_open.html", {"form": form, "person": access.person, "access": access}
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def episode_close(request, person_id: int, episode_id: int):
    access = policy.person_access(request, person_id)
    episode = selectors.episode_for_acting(access, episode_id)
    form, actor = EpisodeCloseForm(request.POST or None), Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form, actions.episode_close, actor=actor, access=access, episode_id=episode.pk
        )
    ):
        messages.success(request, _("The episode is closed."))
        return overview_or_caseload(request, person_id)
    record_access(actor, access, action="read", what="episode close form")
    return render(
        request,
        "care/episode_close.html",
        {"form": form, "person": access.person, "access": access, "episode": episode},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def episode_reactivate(request, person_id: int, episode_id: int):
    access = policy.person_access(request, person_id)
    episode = selectors.episode_for_reactivation(access, episode_id)
    # A reactivation is of the kind the closed episode was (`Episode.as_relative`).
    form = EpisodeOpenForm(request.POST or None, serves_relatives=False)
    actor = Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form, actions.episode_reactivate, actor=actor, access=access, episode_id=episode.pk
        )
    ):
        messages.success(request, _reactivated(episode, form.cleaned_data["opened_on"]))
        return redirect("people:overview", person_id=person_id)
    record_access(actor, access, action="read", what="episode reactivation form")
    return render(
        request,
        "care/episode_reactivate.html",
        {"form": form, "person": access.person, "access": access, "episode": episode},
    )


def _reactivated(closed, opened_on) -> str:
    """The message after reopening: a reactivation only within the reactivation window."""
    if within_reactivation_window(closed.closed_on, opened_on):
        return _("The episode is reactivated.")
    return _(
        "A new episode is opened, linked to the earlier one: it began after the reactivation "
        "period, so it is not counted as a reactivation."
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def case_team_add(request, person_id: int, episode_id: int):
    access = policy.person_access(request, person_id)
    episode = selectors.episode_for_acting(access, episode_id)
    policy.with_case_teams([episode])
    staff, actor = unit_staff(episode.unit_id), Actor.from_request(request)
    form = CaseTeamForm(request.POST or None, staff=staff)
    if "remove" in request.POST:
        _remove_member(request, actor=actor, access=access, episode=episode)
        return redirect("care:case_team_add", person_id=person_id, episode_id=episode_id)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.case_team_add, actor=actor, access=access, episode=episode)
    ):
        messages.success(request, _("The case team is updated."))
        return redirect("care:case_team_add", person_id=person_id, episode_id=episode_id)
    record_access(actor, access, action="read", what="case team")
    return render(
        request,
        "care/case_team.html",
        {
            "form": form,
            "person": access.person,
            "access": access,
            "episode": episode,
            "is_act": episode.unit.unit_type == Unit.Type.ACT,
        },
    )


def _remove_member(request, **kwargs) -> None:
    """Take a member off the team; the outcome is told as a message after the redirect."""
    member_id = parse_id(request.POST["remove"]) or 0
    try:
        actions.case_team_remove(member_id=member_id, **kwargs)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The case team is updated."))
