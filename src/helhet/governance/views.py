"""Governance pages: the agreements a user reads, an agreement and its versions, proposing and
approving, the PDF of the agreement in force, the checklist, staffing, costs and the yearly
statement (page, xlsx, PDF), a steering group's page, and deviations between the authorities.
Who may read and act is asked of `access` and `deviations` (deny by default: "not found"). Only
a deviation's own page and the report form about a person show one, through the access layer
(`deviations.identity`, `people.selectors.access_for_writing`), each logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.access.log import Actor
from helhet.core import pdf
from helhet.core.converters import parse_id
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.core.versions import StaleEdit, stale_page
from helhet.followup.access import require_followup
from helhet.people.selectors import access_for_writing

from . import access, actions, consultations, deviations, disputes, exports, steering, targets
from . import costs as cost_rules
from .about_person import person_context, submit
from .forms import (
    ChecklistItemForm,
    CostForm,
    DeviationAnswerForm,
    DeviationForm,
    KeyForm,
    PositionForm,
    ProposalForm,
    YearForm,
    key_initial,
    proposal_initial,
)
from .models import AgreementVersion, ChecklistItem, Cost, Deviation, Position
from .staffing import staffing as staffing_rows

State = AgreementVersion.State


def _versions(agreement):
    return agreement.versions.exclude(state=State.REPLACED).prefetch_related(
        "parties", "goals", "steps", "approvals__organisation"
    )


def in_force(agreement) -> AgreementVersion | None:
    return _versions(agreement).filter(state=State.IN_FORCE).first()


def _proposal(agreement) -> AgreementVersion | None:
    return _versions(agreement).filter(state=State.PROPOSED).first()


def _open_items(agreements):
    return (
        ChecklistItem.objects.filter(agreement__in=agreements, status__in=ChecklistItem.OPEN)
        .select_related("agreement")
        .order_by("agreement__name", "position")
    )


@login_required
@require_GET
def index(request):
    require_followup(request.user)  # the menu's link: whoever may follow up a unit
    agreements = list(access.readable_agreements(request.user).prefetch_related("units"))
    context = {
        "agreements": agreements,
        # the groups whose page the user may open (`steering_group`)
        "groups": access.steering_groups(request.user).order_by("name"),
    }
    return render(request, "governance/index.html", context)


@login_required
@require_GET
def steering_group(request, group_id: int):
    group = access.steering_group_or_404(request.user, group_id)
    agreements = list(
        access.readable_agreements(request.user).filter(units__steering_groups=group).distinct()
    )
    reported = Deviation.objects.filter(agreement__in=agreements, unit__steering_groups=group)
    today = timezone.localdate()
    # the lists show only what the user may open (the deviation's and dispute's own rule);
    # the figures are counts per party and category, as the follow-up shows them
    escalated = reported.overdue(today).filter(pk__in=deviations.visible(request.user).values("pk"))
    context = {
        "group": group,
        "agreements": agreements,
        "open_items": _open_items(agreements),
        "escalated": escalated.select_related("unit", "reporting_party", "addressed_to"),
        "figures": deviations.figures(reported, today),
        "disputes": disputes.running_for(request.user, group, agreements),
    }
    context |= steering.page(group, today)
    return render(request, "governance/steering_group.html", context)


def _agreement_context(request, agreement) -> dict:
    return {
        "agreement": agreement,
        "party": access.acting_party(request.user, agreement),
        "in_force": in_force(agreement),
    }


@login_required
@require_GET
def agreement(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    context = _agreement_context(request, found)
    proposal = _proposal(found)
    if proposal is not None:
        approved = {a.organisation_id: a for a in proposal.approvals.all()}
        context["proposal"] = proposal
        context["approvals"] = [
            (party, approved.get(party.pk)) for party in actions.approving_parties(proposal)
        ]
        mine = [p for p, _a in context["approvals"] if p.pk == request.user.organisation_id]
        context["approving_party"] = mine[0] if mine else None
        context["may_approve"] = (
            bool(mine) and mine[0].pk not in approved and access.manages(request.user, found)
        )
    context["versions"] = found.versions.order_by("-number")
    context["open_items"] = _open_items([found])
    context["standing"] = targets.standing(found, timezone.localdate())
    context["contacts"] = consultations.contacts(found.units.all())
    return render(request, "governance/agreement.html", context)


@login_required
@require_GET
def version(request, version_id: int):
    shown = access.version_or_404(request.user, version_id)
    context = {"agreement": shown.agreement, "v": shown, "targets": targets.of_version(shown)}
    return render(request, "governance/version.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def propose(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    party = access.acting_party(request.user, found)
    if party is None:
        raise Http404
    latest = _versions(found).order_by("-number").first()
    choices = access.party_choices(found)

    def build(data):
        return ProposalForm(data, parties=choices)

    form = ProposalForm(request.POST or None, initial=proposal_initial(latest), parties=choices)
    if request.method == "POST" and form.is_valid():
        try:
            done = run_action(
                form, actions.version_propose, user=request.user, agreement_id=found.pk
            )
        except StaleEdit as stale:
            form = stale_page(build, request.POST, stale)
        else:
            if done:
                messages.success(
                    request,
                    _("The change is proposed. It takes effect when every party has approved it."),
                )
                return redirect("governance:agreement", agreement_id=found.pk)
    context = {"agreement": found, "form": form, "latest": latest}
    return render(request, "governance/propose.html", context)


@login_required
@require_POST
def approve(request, version_id: int):
    shown = access.version_or_404(request.user, version_id)
    try:
        approved = actions.version_approve(user=request.user, version_id=shown.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approved.state == State.IN_FORCE:
            messages.success(request, _("Every party has approved: the new version is in force."))
        else:
            messages.success(request, _("Your organisation's approval is recorded."))
    return redirect("governance:agreement", agreement_id=shown.agreement_id)


@login_required
@require_GET
def agreement_pdf(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    shown = in_force(found)
    if shown is None:
        messages.error(request, _("No version of the agreement is in force yet."))
        return redirect("governance:agreement", agreement_id=found.pk)
    if not pdf.available():
        return pdf.unavailable(request, fallback_url=reverse("governance:version", args=[shown.pk]))
    filename = f"agreement-{found.pk}-version-{shown.number}.pdf"
    context = {"agreement": found, "v": shown, "targets": targets.of_version(shown)}
    return pdf.render_pdf(request, "governance/agreement_pdf.html", context, filename=filename)


@login_required
@require_GET
def checklist(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    context = _agreement_context(request, found)
    context["items"] = found.checklist.select_related("updated_by").order_by("position")
    return render(request, "governance/checklist.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def checklist_item(request, check_id: int):
    item = ChecklistItem.objects.filter(
        pk=check_id, agreement__in=access.readable_agreements(request.user).values("pk")
    ).first()
    if item is None or access.acting_party(request.user, item.agreement) is None:
        raise Http404
    initial = {
        "version": item.version,
        "status": item.status,
        "responsible": item.responsible,
        "due_on": item.due_on,
        "notes": item.notes,
    }
    form = ChecklistItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            done = run_action(
                form, actions.checklist_item_update, user=request.user, item_id=item.pk
            )
        except StaleEdit as stale:
            item.refresh_from_db()
            form = stale_page(ChecklistItemForm, request.POST, stale)
        else:
            if done:
                messages.success(request, _("The checklist item is saved."))
                return redirect(
                    reverse("governance:checklist", args=[item.agreement_id]) + f"#check-{item.pk}"
                )
    return render(
        request,
        "governance/checklist_item.html",
        {"item": item, "form": form, "agreement": item.agreement},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def staffing(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    context = _agreement_context(request, found)
    parties = access.parties(found)
    form = None
    if context["party"] is not None:
        party = context["party"]
        form = PositionForm(
            request.POST or None,
            parties=parties,
            initial={"employer": party, "payer": party, "version": 0},
        )
        if request.method == "POST" and form.is_valid():
            if run_action(form, actions.position_save, user=request.user, agreement_id=found.pk):
                messages.success(request, _("The position is added."))
                return redirect("governance:staffing", agreement_id=found.pk)
    elif request.method == "POST":
        raise Http404
    context |= {
        "form": form,
        "rows": staffing_rows(found),
        "positions": found.positions.select_related("employer", "payer"),
    }
    return render(request, "governance/staffing.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def position(request, position_id: int):
    found = (
        Position.objects.filter(
            pk=position_id, agreement__in=access.readable_agreements(request.user).values("pk")
        )
        .select_related("agreement")
        .first()
    )
    party = access.acting_party(request.user, found.agreement) if found else None
    if found is None or party is None or found.employer_id != party.pk:
        raise Http404
    back = reverse("governance:staffing", args=[found.agreement_id])
    done = _party_row_edit(
        request,
        found,
        form_class=PositionForm,
        fields=("profession", "title", "percent", "employer", "payer", "vacant"),
        save=actions.position_save,
        delete=actions.position_delete,
        row={"position_id": found.pk},
        back=back,
        saved=_("The position is saved."),
        removed=_("The position is removed."),
    )
    if isinstance(done, HttpResponse):
        return done
    context = {"agreement": found.agreement, "position": found, "form": done, "back_url": back}
    return render(request, "governance/position.html", context)


def _party_row_edit(
    request, found, *, form_class, fields, save, delete, row: dict, back: str, saved, removed
):
    """The edit page of a party's own row of an agreement (a position, a cost), FOUND: FORM_CLASS
    with the agreement's parties and FIELDS as they stand (`row_edit`)."""
    parties = access.parties(found.agreement)
    return row_edit(
        request,
        build=lambda data, initial=None: form_class(data, parties=parties, initial=initial),
        initial={name: getattr(found, name) for name in (*fields, "version")},
        agreement_id=found.agreement_id,
        save=save,
        delete=delete,
        row=row,
        back=back,
        saved=saved,
        removed=removed,
    )


def row_edit(
    request,
    *,
    build,
    initial: dict,
    agreement_id: int,
    save,
    delete,
    row: dict,
    back,
    saved,
    removed,
):
    """The edit page of a row of an agreement (a position, a cost, a target): a POST with
    "delete" removes it (DELETE with ROW, its id), another saves BUILD(data)'s form (SAVE; its
    version refuses a stale edit, shown as such). The redirect to BACK when done, else the form
    to show (INITIAL, the row and its version as it stands, or as posted)."""
    if request.method == "POST" and "delete" in request.POST:
        try:
            delete(user=request.user, **row)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, removed)
        return redirect(back)
    form = build(request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        try:
            done = run_action(form, save, user=request.user, agreement_id=agreement_id, **row)
        except StaleEdit as stale:
            form = stale_page(build, request.POST, stale)
        else:
            if done:
                messages.success(request, saved)
                return redirect(back)
    return form


def _year(request) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
@once
def costs(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    year = _year(request)
    context = _agreement_context(request, found)
    form = None
    if context["party"] is not None:
        form = CostForm(
            request.POST or None,
            parties=access.parties(found),
            initial={"year": year, "version": 0},
        )
        if request.method == "POST" and form.is_valid():
            if run_action(form, actions.cost_save, user=request.user, agreement_id=found.pk):
                messages.success(request, _("The cost is added."))
                added = form.cleaned_data["year"]
                return redirect(reverse("governance:costs", args=[found.pk]) + f"?year={added}")
    elif request.method == "POST":
        raise Http404
    context |= {
        "form": form,
        "year": year,
        "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
        "statement": cost_rules.statement(found, year),
        "party_id": context["party"].pk if context["party"] else None,
    }
    return render(request, "governance/costs.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cost(request, cost_id: int):
    found = (
        Cost.objects.filter(
            pk=cost_id, agreement__in=access.readable_agreements(request.user).values("pk")
        )
        .select_related("agreement")
        .first()
    )
    party = access.acting_party(request.user, found.agreement) if found else None
    if found is None or not actions.may_change_cost(found, party):
        raise Http404
    back = reverse("governance:costs", args=[found.agreement_id]) + f"?year={found.year}"
    done = _party_row_edit(
        request,
        found,
        form_class=CostForm,
        fields=("year", "kind", "party", "description", "amount"),
        save=actions.cost_save,
        delete=actions.cost_delete,
        row={"cost_id": found.pk},
        back=back,
        saved=_("The cost is saved."),
        removed=_("The cost is removed."),
    )
    if isinstance(done, HttpResponse):
        return done
    context = {"agreement": found.agreement, "cost": found, "form": done, "back_url": back}
    return render(request, "governance/cost.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cost_key(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    if access.acting_party(request.user, found) is None:
        raise Http404
    year = _year(request)
    back = reverse("governance:costs", args=[found.pk]) + f"?year={year}"
    if request.method == "POST" and "approve" in request.POST:
        try:
            actions.key_approve(user=request.user, key_id=parse_id(request.POST["approve"]) or 0)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your organisation has approved the key."))
        return redirect(back)
    parties = list(access.parties(found))
    statement = cost_rules.statement(found, year)
    form = KeyForm(
        request.POST or None,
        parties=parties,
        initial=key_initial(statement.proposal or statement.key),
    )
    if request.method == "POST" and form.is_valid():
        if run_action(form, actions.key_save, user=request.user, agreement_id=found.pk, year=year):
            messages.success(request, _("The key is proposed to the other parties."))
            return redirect(back)
    context = {"agreement": found, "form": form, "year": year, "statement": statement}
    context["party_id"] = request.user.organisation_id
    return render(request, "governance/cost_key.html", context)


@login_required
@require_GET
def statement_xlsx(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    year = _year(request)
    response = HttpResponse(
        exports.statement_xlsx(cost_rules.statement(found, year)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": content_disposition_header(True, f"costs-{found.pk}-{year}.xlsx")
        },
    )
    return response


@login_required
@require_GET
def statement_pdf(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    year = _year(request)
    if not pdf.available():
        fallback = reverse("governance:costs", args=[found.pk]) + f"?year={year}"
        return pdf.unavailable(request, fallback_url=fallback)
    context = {"agreement": found, "statement": cost_rules.statement(found, year)}
    filename = f"costs-{found.pk}-{year}.pdf"
    return pdf.render_pdf(request, "governance/statement_pdf.html", context, filename=filename)


# --- Deviations between the authorities --------------------------------------------------


@login_required
@require_GET
def deviation_list(request):
    """The deviations the user may see (`deviations.visible`): no person named."""
    unit = getattr(request, "unit", None)
    shown = deviations.visible(request.user).order_by("-reported_at", "-pk")
    context = {
        "deviations": shown[:200],
        "may_report": deviations.may_report(request.user, unit)
        and deviations.version_in_force(unit) is not None,
        "today": timezone.localdate(),
    }
    return render(request, "governance/deviations.html", context)


def _report(request, access=None):
    unit = getattr(request, "unit", None)
    if not deviations.may_report(request.user, unit):
        raise Http404
    version = deviations.version_in_force(unit)
    parties = deviations.addressable(request.user, version)
    form = DeviationForm(request.POST or None, parties=parties)
    done = submit(request, form, actions.deviation_report, access=access, what="deviation form")
    if done is not None:
        messages.success(request, _("The deviation is reported."))
        return redirect("governance:deviation", deviation_id=done.pk)
    context = {"form": form, "version": version, "unit": unit} | person_context(access)
    return render(request, "governance/deviation_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def deviation_new(request):
    return _report(request)


@login_required
@require_http_methods(["GET", "POST"])
@once
def person_deviation_new(request, person_id: int):
    return _report(request, access_for_writing(request, person_id))


@login_required
@require_http_methods(["GET", "POST"])
def deviation(request, deviation_id: int):
    found = deviations.deviation_or_404(request.user, deviation_id)
    may_answer = deviations.may_answer(request.user, found)
    form = None
    if may_answer and found.status == Deviation.Status.REPORTED:
        form = DeviationAnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if run_action(form, actions.deviation_answer, user=request.user, deviation_id=found.pk):
                messages.success(request, _("The answer is recorded."))
                return redirect("governance:deviation", deviation_id=found.pk)
    elif request.method == "POST":
        raise Http404
    context = {
        "d": found,
        "form": form,
        "may_close": deviations.may_close(request.user, found),
        "person": deviations.identity(Actor.from_request(request), found),
    }
    return render(request, "governance/deviation.html", context)


@login_required
@require_POST
def deviation_close(request, deviation_id: int):
    found = deviations.deviation_or_404(request.user, deviation_id)
    if not deviations.may_close(request.user, found):
        raise Http404
    reopen = "reopen" in request.POST
    try:
        actions.deviation_close(user=request.user, deviation_id=found.pk, reopen=reopen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The deviation is reopened.") if reopen else _("The deviation is closed."),
        )
    return redirect("governance:deviation", deviation_id=found.pk)
