"""The person pages: search, registration, overview, relatives.

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
from helhet.access import selectors as access_selectors
from helhet.access.log import Actor, record_access, record_listing
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.core.versions import StaleEdit, stale_page

from . import actions, changes, selectors
from .forms import PersonEditForm, PersonRegisterForm, RelativeEditForm, RelativeForm, SearchForm


@login_required
@require_http_methods(["GET"])
def search(request):
    form = SearchForm(request.GET)
    # A text the form refuses (over 100 characters) is not searched: the field says why.
    query = selectors.parse_search(form.cleaned_data["q"] if form.is_valid() else "")
    unit_id = request.unit.pk if request.unit else None
    units = policy.member_units(request.memberships)
    page = selectors.search_page(
        request.user, query, request.GET.get("page"), unit_id=unit_id, units=units
    )
    record_listing(Actor.from_request(request), page.object_list, action="search", what="search")
    return render(request, "people/search.html", {"form": form, "query": query, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
@once
def register(request):
    if request.unit is None or not policy.is_clinical(request.user):
        return render(request, "people/no_unit.html", status=403)
    form, existing_id = PersonRegisterForm(request.POST or None, unit=request.unit), None
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.person_register(actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            existing_id = getattr(error, "person_id", None)
        else:
            # No name: a number already registered keeps the stored one, and the answer must
            # be the same as for a number nobody has.
            messages.success(
                request,
                _("The person is registered, with an episode at %(unit)s.")
                % {"unit": request.unit},
            )
            return redirect("people:overview", person_id=person.pk)
    return render(request, "people/register.html", {"form": form, "existing_id": existing_id})


@login_required
@require_http_methods(["GET"])
def overview(request, person_id: int):
    access = policy.person_access(request, person_id)
    unit = request.unit
    context = {
        "access": access,
        "o": selectors.person_overview(access, unit_id=unit.pk if unit else None),
        # From the access already loaded, no query: the extract's own check, for its link.
        "may_produce_log_extract": access_selectors.may_produce_log_extract(access, unit),
    }
    record_access(Actor.from_request(request), access, action="read", what="overview")
    return render(request, "people/overview.html", context)


@login_required
@require_http_methods(["GET"])
def history(request, person_id: int):
    """The overview with every episode and consent the user may read, not only the latest."""
    access = policy.person_access(request, person_id)
    unit = request.unit
    context = {
        "access": access,
        "o": selectors.person_overview(
            access, unit_id=unit.pk if unit else None, full_history=True
        ),
        "may_produce_log_extract": access_selectors.may_produce_log_extract(access, unit),
    }
    record_access(Actor.from_request(request), access, action="read", what="history")
    return render(request, "people/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def relative_add(request, person_id: int):
    access = selectors.access_for_writing(request, person_id)
    form = RelativeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.relative_add, actor=Actor.from_request(request), access=access)
    ):
        messages.success(request, _("The relative is recorded."))
        return redirect("people:overview", person_id=person_id)
    record_access(Actor.from_request(request), access, action="read", what="relative form")
    return render(
        request,
        "people/relative_form.html",
        {"form": form, "person": access.person, "access": access},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def person_edit(request, person_id: int):
    """The person's details, as far as the user may change them (`changes`)."""
    access = selectors.access_for_writing(request, person_id)
    actor = Actor.from_request(request)

    def build(data, person):
        fields = changes.person_editable_fields(access, protected=person.protected_identity)
        initial = {**changes.values_of(person, fields), "version": person.version}
        return PersonEditForm(data, fields=fields, initial=initial)

    form, saved = build(request.POST or None, access.person), None
    if request.method == "POST" and form.is_valid():
        try:
            actions.person_update(actor=actor, access=access, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except StaleEdit as stale:
            # Another edit came in: show it beside the user's own values, based on it now.
            current = policy.person_access(request, person_id).person
            form = stale_page(lambda data: build(data, current), request.POST, stale)
            saved = changes.saved_rows(current, form)
        else:
            messages.success(request, _("The person's details are saved."))
            return redirect("people:overview", person_id=person_id)
    record_access(actor, access, action="read", what="person edit form")
    context = {"access": access, "person": access.person, "form": form, "saved": saved}
    return render(request, "people/person_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def relative_edit(request, person_id: int, relative_id: int):
    """A relative of the user's organisation: contact details, involvement, secrecy."""
    access = selectors.access_for_writing(request, person_id)
    relative, actor = changes.relative_for_editing(access, relative_id), Actor.from_request(request)

    def build(data, relative, protected):
        fields = changes.relative_editable_fields(access, protected=protected)
        initial = {**changes.values_of(relative, fields), "version": relative.version}
        return RelativeEditForm(data, fields=fields, initial=initial)

    form = build(request.POST or None, relative, access.person.protected_identity)
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.relative_update(
                actor=actor, access=access, relative=relative, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except StaleEdit as stale:
            current = policy.person_access(request, person_id)
            relative = changes.relative_for_editing(current, relative_id)
            protected = current.person.protected_identity
            form = stale_page(lambda data: build(data, relative, protected), request.POST, stale)
            saved = changes.saved_rows(relative, form)
        else:
            messages.success(request, _("The relative's details are saved."))
            return redirect("people:overview", person_id=person_id)
    record_access(actor, access, action="read", what="relative edit form")
    context = {
        "access": access,
        "person": access.person,
        "relative": relative,
        "form": form,
        "saved": saved,
    }
    return render(request, "people/relative_edit.html", context)


@login_required
@require_http_methods(["GET"])
def changes_page(request, person_id: int):
    """Who changed the person's and their relatives' details, what and when."""
    access = policy.person_access(request, person_id)
    page = changes.change_history(access, request.GET.get("page"))
    record_access(Actor.from_request(request), access, action="read", what="change history")
    context = {"access": access, "person": access.person, "page": page}
    return render(request, "people/changes.html", context)


def overview_or_caseload(request, person_id: int):
    """Back to the person's overview, or to the caseload when the change just made ended the
    user's access to the person (a closed episode, a withdrawn consent)."""
    if policy.visible_persons(request.user).filter(pk=person_id).exists():
        return redirect("people:overview", person_id=person_id)
    return redirect("care:caseload")
