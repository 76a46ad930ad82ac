"""Reads for the plan pages: the SIPs and treatment plans the user may read.

The SIP rule is the policy's (`policy.sip_grant`): a SIP at a unit is shown only while the
person's active consent at that unit covers coordination (or under emergency access,
read-only), and then it is one joint plan: whoever has a relationship at the unit reads every
version and meeting, whoever saved it. Versions and meetings are filtered in the database with
`policy.sip_q` and passed through `policy.readable_sip`, so that a read of the other
organisation's is logged as a disclosure under the coordination consent. Treatment plans are
records of category PLANS: `readable_q`, then `readable`.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from helhet.access import policy
from helhet.access.models import Consent, RecordCategory
from helhet.access.policy import PersonAccess
from helhet.core.models import Unit
from helhet.people.models import Relative

from .models import PlanVersion, Sip, SipIntervention, SipMeeting, SipVersion, TreatmentPlan

PLANS, RELATIVES = RecordCategory.PLANS, RecordCategory.RELATIVES


@dataclass
class SipView:
    """One unit's SIP as the user may see it."""

    unit: Unit
    sip: Sip | None
    consent: Consent | None
    allowed: bool  # the consent (or emergency access) lets the SIP be shown
    may_act: bool  # the user has a relationship at the unit (may record a consent there)
    may_write: bool
    versions: list[SipVersion] = field(default_factory=list)  # readable, newest first
    withheld: int = 0  # versions not disclosed to the user's organisation
    shown: SipVersion | None = None
    meetings: list[SipMeeting] = field(default_factory=list)

    @property
    def latest(self) -> SipVersion | None:
        return self.versions[0] if self.versions else None


def _with_details(versions: list[SipVersion]) -> None:
    """Load what a shown version lists (relatives, interventions with their catalogue entry
    and who is responsible, measures) onto VERSIONS, read already: three queries."""
    interventions = SipIntervention.objects.select_related(
        "intervention", "responsible_organisation", "responsible_staff"
    )
    prefetch_related_objects(
        versions, "relatives", Prefetch("interventions", queryset=interventions), "measures"
    )


def sip_views(
    access: PersonAccess, *, unit: Unit | None, version_id: int | None = None
) -> list[SipView]:
    """The person's SIPs: one per unit with a SIP, and the active UNIT's (when the user may
    act there) even before it has one. VERSION_ID picks the version shown; else the latest
    readable one. A fixed number of queries however many versions and meetings there are."""
    # Each SIP with its versions that no block hides: those not readable are counted as
    # withheld. Versions a block hides are not even counted: the reader is told only that
    # blocked information exists (the overview's notice), not where or how much.
    hidden = access.blocked_q(PLANS, owner_field="versions__organisation_id", unit_field="unit")
    have = list(
        Sip.objects.filter(person=access.person)
        .select_related("unit")
        .annotate(counted=Count("versions", filter=None if hidden is None else ~hidden))
    )
    counted = {sip.pk: sip.counted for sip in have}
    sips: list[Sip | None] = list(have)
    if unit is not None and access.may_act_at(unit.pk) and unit.pk not in {s.unit_id for s in have}:
        sips.append(None)
    sip_ids = [s.pk for s in have]
    mine = policy.sip_q(access)
    versions = list(
        SipVersion.objects.filter(mine, sip_id__in=sip_ids)
        .select_related("organisation", "created_by", "overall_responsible")
        .order_by("-number")
    )
    blocked_units = {u for units in access.hidden_blocks.values() for u in units}
    meetings = list(
        SipMeeting.objects.filter(mine, sip_id__in=sip_ids).select_related("caller", "organisation")
    )
    units = {s.pk: s.unit_id for s in sips if s is not None}

    def unit_of(record) -> int:
        return units[record.sip_id]

    views = []
    for sip in sips:
        here = unit if sip is None else sip.unit
        if here is None:  # (never: a view without a SIP is the active unit's)
            continue
        consent = access.coordination_consent(here.pk)
        allowed = consent is not None or access.is_emergency
        may_act = access.may_act_at(here.pk) and unit is not None and here.pk == unit.pk
        view = SipView(
            unit=here,
            sip=sip,
            consent=consent,
            allowed=allowed,
            may_act=may_act,
            may_write=consent is not None and may_act,
        )
        if sip is not None and allowed:
            own = [v for v in versions if v.sip_id == sip.pk]
            view.versions = policy.readable_sip(access, own, unit=unit_of)
            view.withheld = counted[sip.pk] - len(view.versions)
            view.meetings = policy.readable_sip(
                access, [m for m in meetings if m.sip_id == sip.pk], unit=unit_of
            )
        if sip is not None and here.pk in blocked_units and not (view.versions or view.meetings):
            continue  # a SIP kept at a blocked unit, nothing of it readable: not named at all
        views.append(view)
    views.sort(key=lambda v: (unit is None or v.unit.pk != unit.pk, v.unit.name))
    _load_shown(views, version_id)
    return views


def _load_shown(views: list[SipView], version_id: int | None) -> None:
    """Pick the version each SIP shows (VERSION_ID if readable, else the latest readable) and
    load its details; Http404 when VERSION_ID is not among the versions the user may read."""
    for view in views:
        picked = [v for v in view.versions if v.pk == version_id]
        view.shown = picked[0] if picked else view.latest
    if version_id is not None and not any(
        view.shown and view.shown.pk == version_id for view in views
    ):
        raise Http404
    _with_details([view.shown for view in views if view.shown])


def sip_to_print(access: PersonAccess, *, unit: Unit | None, version_id: int | None) -> SipView:
    """The one SIP to print: the one holding VERSION_ID, else the active unit's."""
    views = sip_views(access, unit=unit, version_id=version_id)
    for view in views:
        if version_id is not None and view.shown and view.shown.pk == version_id:
            return view
    for view in views:
        if unit is not None and view.unit.pk == unit.pk:
            return view
    if views:
        return views[0]
    # At no unit, with no SIP: the print page says there is nothing to print (and names no unit).
    return SipView(unit=unit, sip=None, consent=None, allowed=False, may_act=False, may_write=False)  # type: ignore[arg-type]


def sip_relatives(access: PersonAccess) -> QuerySet[Relative]:
    """The person's relatives who may take part in the SIP: those USER may read, never one the
    person keeps secrecy towards. The form's choices are the rows shown, so they pass through
    `readable` (a relative disclosed under a consent is a disclosure in the log row)."""
    relatives = Relative.objects.filter(
        access.readable_q(RELATIVES), person=access.person, secrecy_requested=False
    )
    shown = access.readable(list(relatives), category=RELATIVES)
    return Relative.objects.filter(pk__in=[r.pk for r in shown]).order_by("name")


def sip_for_writing(access: PersonAccess, unit: Unit) -> SipView:
    """The active unit's SIP with its latest readable version, for the new-version form."""
    [view] = [v for v in sip_views(access, unit=unit) if v.unit.pk == unit.pk]
    return view


# --- Treatment plans ----------------------------------------------------------------------


@dataclass
class PlanView:
    plan: TreatmentPlan
    versions: list[PlanVersion]
    shown: PlanVersion | None


def plan_views(access: PersonAccess, *, version_id: int | None = None) -> list[PlanView]:
    """The treatment plans the user may read (own organisation's, or disclosed), each with its
    readable versions and the one shown (VERSION_ID, else the latest). Fixed query count."""
    plans = list(
        TreatmentPlan.objects.filter(access.readable_q(PLANS), person=access.person).select_related(
            "unit", "organisation"
        )
    )
    versions = list(
        PlanVersion.objects.filter(
            access.readable_q(PLANS, unit_field="plan__unit"), plan__in=plans
        )
        .select_related("plan", "created_by", "organisation")
        .order_by("-number")
    )
    versions = access.readable(versions, category=PLANS)
    if version_id is not None and version_id not in {v.pk for v in versions}:
        raise Http404
    views = []
    wanted: dict[int, PlanView] = {}
    for plan in access.readable(plans, category=PLANS):
        own = [v for v in versions if v.plan_id == plan.pk]
        view = PlanView(plan=plan, versions=own, shown=None)
        pick = version_id if version_id in {v.pk for v in own} else (own[0].pk if own else None)
        if pick is not None:
            wanted[pick] = view
        views.append(view)
    details = PlanVersion.objects.filter(pk__in=list(wanted)).select_related(
        "created_by", "organisation"
    )
    for version in details.prefetch_related("items__intervention", "items__responsible"):
        wanted[version.pk].shown = version
    return views


def own_plan_latest(access: PersonAccess, unit: Unit, organisation_id: int) -> PlanVersion | None:
    """The latest version of the user's organisation's plan at UNIT, to start the form from
    (and to show beside it after a stale save)."""
    return (
        PlanVersion.objects.filter(
            plan__person=access.person, plan__unit=unit, plan__organisation_id=organisation_id
        )
        .select_related("created_by")
        .prefetch_related("items__intervention", "items__responsible")
        .order_by("-number")
        .first()
    )
