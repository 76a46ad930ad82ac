"""The team conference's pages: the unit's board, one conference, its minutes, the past
conferences, putting a person on a board, and one item (its decision, postponing, its place).

The unit pages start from `policy.visible_persons` (through the selectors) and log one row
naming every person shown (`record_listing`); a person's pages start from the policy's
`person_access` and log one row each. Writes are actions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_access, record_listing
from helhet.core import pdf
from helhet.core.selectors import list_page, unit_staff
from helhet.core.submissions import once
from helhet.core.versions import StaleEdit, stale_page
from helhet.people.selectors import access_for_writing

from . import actions, selectors
from .forms import ConferenceForm, DecisionForm, ItemForm
from .models import CATEGORY


def _at_a_unit(request) -> bool:
    return request.unit is not None and policy.is_clinical(request.user)


def _no_unit(request):
    return render(request, "people/no_unit.html", status=403)


def _conference(request, conference_id: int):
    """The active unit's conference with CONFERENCE_ID; else Http404."""
    conference = selectors.conference_at(request.unit, conference_id)
    if conference is None:
        raise Http404
    return conference


def _log_board(request, board: selectors.Board, phrase: str) -> None:
    persons = selectors.listed(request.user, request.unit, board.persons, board.items)
    record_listing(Actor.from_request(request), persons, action="read", what=phrase)


@login_required
@require_http_methods(["GET"])
def board(request):
    """The active unit's next conference with its items, and the conferences after it."""
    if not _at_a_unit(request):
        return _no_unit(request)
    conferences = list(selectors.upcoming(request.user, request.unit))
    shown = selectors.board(request.user, conferences[0]) if conferences else None
    if shown is not None:
        _log_board(request, shown, "conference board")
    context = {"conferences": conferences, "board": shown, "form": ConferenceForm()}
    return render(request, "conference/board.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def conference_new(request):
    if not _at_a_unit(request):
        return _no_unit(request)
    form = ConferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.conference_create(actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The conference is created."))
            return redirect("conference:conference", conference_id=made.pk)
    return render(request, "conference/conference_form.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def conference(request, conference_id: int):
    return _board_page(request, conference_id, "conference/conference.html", "conference")


@login_required
@require_http_methods(["GET"])
def minutes(request, conference_id: int):
    """The printable minutes: each item shown with its decision, or what became of it."""
    return _board_page(request, conference_id, "conference/minutes.html", "conference minutes")


@login_required
@require_http_methods(["GET"])
def minutes_pdf(request, conference_id: int):
    """The minutes as a PDF download, logged as the print page is; without WeasyPrint on the
    server, a 503 page links to the print page."""
    if not _at_a_unit(request):
        return _no_unit(request)
    chosen = _conference(request, conference_id)
    if not pdf.available():
        return pdf.unavailable(
            request, fallback_url=reverse("conference:minutes", args=[chosen.pk])
        )
    shown = selectors.board(request.user, chosen)
    _log_board(request, shown, "conference minutes pdf")
    # The file name carries no name: downloads lie around on disks.
    filename = f"conference-{chosen.pk}-minutes.pdf"
    return pdf.render_pdf(
        request, "conference/minutes_pdf.html", {"board": shown}, filename=filename
    )


def _board_page(request, conference_id: int, template: str, phrase: str):
    if not _at_a_unit(request):
        return _no_unit(request)
    shown = selectors.board(request.user, _conference(request, conference_id))
    _log_board(request, shown, phrase)
    return render(request, template, {"board": shown})


@login_required
@require_http_methods(["GET"])
def past(request):
    """The unit's past conferences (their minutes one click away): no person is named."""
    if not _at_a_unit(request):
        return _no_unit(request)
    page = list_page(selectors.past(request.unit), request.GET.get("page"), size=50)
    return render(request, "conference/past.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
@once
def item_new(request, conference_id: int):
    """Put one of the persons the user sees at the unit on the conference."""
    if not _at_a_unit(request):
        return _no_unit(request)
    chosen = _conference(request, conference_id)
    candidates = selectors.candidates(request.user, request.unit)
    form = ItemForm(
        request.POST or None,
        staff=unit_staff(request.unit.pk),
        writer=request.user,
        persons=candidates,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        access = access_for_writing(request, data.pop("person").pk)
        if _added(request, form, access, conference=chosen, **data):
            return redirect("conference:conference", conference_id=chosen.pk)
    record_listing(
        Actor.from_request(request), list(candidates), action="read", what="conference item form"
    )
    return render(request, "conference/item_form.html", {"form": form, "conference": chosen})


def _added(request, form, access, **data) -> bool:
    try:
        actions.conference_item_add(actor=Actor.from_request(request), access=access, **data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("The person is on the conference."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
@once
def person_add(request, person_id: int):
    """From the person's pages: put them on one of the unit's coming conferences."""
    access = access_for_writing(request, person_id)
    form = ItemForm(
        request.POST or None,
        staff=unit_staff(request.unit.pk),
        writer=request.user,
        conferences=selectors.open_conferences(request.unit),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _added(request, form, access, **form.cleaned_data)
    ):
        conference_id = form.cleaned_data["conference"].pk
        return redirect("conference:conference", conference_id=conference_id)
    items = selectors.person_items(access, request.unit)
    record_access(Actor.from_request(request), access, action="read", what="conference item form")
    context = {"form": form, "person": access.person, "access": access, "items": items}
    return render(request, "conference/person_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item(request, person_id: int, item_id: int):
    """One item: why, the decision (recorded or changed here), postponing, its place."""
    access = access_for_writing(request, person_id)
    actor = Actor.from_request(request)
    try:
        found = actions.item_for_acting(actor, access, item_id)
    except ValidationError:
        raise Http404 from None
    back = reverse("conference:conference", args=[found.conference_id]) + f"#item-{found.pk}"
    if request.method == "POST" and ("move" in request.POST or "postpone" in request.POST):
        return _move_or_postpone(request, actor, access, found, back)
    form = DecisionForm(request.POST or None, initial=_decision_initial(access, found))
    if request.method == "POST" and form.is_valid():
        try:
            actions.conference_decision_record(
                actor=actor, access=access, item_id=found.pk, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except StaleEdit as stale:
            found = actions.item_for_acting(actor, access, item_id)
            form = stale_page(DecisionForm, request.POST, stale)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(back)
    context = _item_context(access, found, form)
    record_access(actor, access, action="read", what="conference item")
    return render(request, "conference/item.html", context)


def _move_or_postpone(request, actor, access, found, back: str):
    try:
        if "postpone" in request.POST:
            actions.conference_item_postpone(actor=actor, access=access, item_id=found.pk)
            messages.success(request, _("The item is moved to the next conference."))
        else:
            direction = request.POST["move"]
            actions.conference_item_move(
                actor=actor, access=access, item_id=found.pk, direction=direction
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


def _decision_initial(access, found) -> dict:
    own = found.decision_organisation_id == access.organisation_id
    return {"decision": found.decision if own else "", "version": found.version}


def _item_context(access, found, form) -> dict:
    """The item's texts as the policy lets the user read them (disclosures noted for the log)."""
    why = bool(access.readable([found], category=CATEGORY))
    decision = found.decided_by_id is not None and bool(
        access.readable([found], category=CATEGORY, owner=lambda r: r.decision_organisation_id)
    )
    owner = found.decision_organisation_id
    found.history = selectors.decision_history([found] if decision else []).get(found.pk, [])
    held = timezone.localdate(found.conference.starts_at) <= access.today
    return {
        "person": access.person,
        "access": access,
        "item": found,
        "why_readable": why,
        "decision_readable": decision,
        "held": held,
        "may_decide": held
        and found.status != found.Status.POSTPONED
        and owner in (None, access.organisation_id),
        "form": form,
    }
