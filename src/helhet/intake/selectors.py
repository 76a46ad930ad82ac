"""Reads for the referral pages: the unit's inbox, the referral meeting, one referral."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from helhet.access import policy
from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.core.models import Unit

from .models import Referral

RECENTLY_DECIDED_DAYS = 30
RECENTLY_DECIDED_MAX = 50


def open_referrals(unit: Unit) -> QuerySet[Referral]:
    """UNIT's undecided referrals (received or waiting), oldest first."""
    return (
        Referral.objects.filter(unit=unit, state__in=Referral.OPEN_STATES)
        .select_related("registered_by")
        .order_by("received_on", "pk")
    )


def with_days_waiting(referrals, today: datetime.date | None = None) -> list[Referral]:
    """The referrals, each with `days_waiting` since it was received (one query in all)."""
    today = today or timezone.localdate()
    rows = list(referrals)
    for referral in rows:
        referral.days_waiting = (today - referral.received_on).days
    return rows


def recently_decided(unit: Unit) -> list[Referral]:
    """UNIT's referrals decided in the last 30 days, newest first (at most 50).

    Shown without names: an accepted referral is part of the person's record and is opened
    through the access policy; the list only says that it was decided.
    """
    since = timezone.now() - datetime.timedelta(days=RECENTLY_DECIDED_DAYS)
    return list(
        Referral.objects.filter(
            unit=unit, state__in=[Referral.State.ACCEPTED, Referral.State.DECLINED]
        )
        .filter(decided_at__gte=since)
        .select_related("decided_by", "redirect_unit")
        .order_by("-decided_at", "-pk")[:RECENTLY_DECIDED_MAX]
    )


@dataclass
class ReferralView:
    """One referral the user may read, and the person access when it is linked to a person."""

    referral: Referral
    access: PersonAccess | None


def referral_for_reading(request, referral_id: int) -> ReferralView:
    """A referral at the active unit that the user may read; else Http404.

    An unlinked referral is the unit's inbox item: any clinical member of the unit reads it. A
    referral linked to a person is an enrolment record owned by the organisation that received
    it: read only through the policy, with the basis it gives (consent across organisations).
    """
    unit = getattr(request, "unit", None)
    if unit is None or not policy.is_clinical(request.user):
        raise Http404
    referral = (
        Referral.objects.select_related(
            "unit",
            "organisation",
            "registered_by",
            "decided_by",
            "redirect_unit",
            "episode",
            "commission",
        )
        .filter(pk=referral_id, unit=unit)
        .first()
    )
    if referral is None:
        raise Http404
    if referral.person_id is None:
        return ReferralView(referral, None)
    access = policy.person_access(request, referral.person_id)
    readable = access.readable(
        [referral], category=RecordCategory.ENROLMENT, unit=lambda r: r.unit_id
    )
    if not readable:
        raise Http404
    return ReferralView(referral, access)


def referral_for_commission(request, referral_id: int) -> ReferralView:
    """A referral from social services without its commission yet, that the user may read
    (`referral_for_reading`) and act on: an unlinked one by any clinical member of the unit, a
    linked one by whoever may write for the person at its unit; else Http404. A post reaches
    the action even once the commission is added (another tab's), which answers with the
    form's message (`actions.commission_add`)."""
    found = referral_for_reading(request, referral_id)
    referral = found.referral
    added = request.method != "POST" and hasattr(referral, "commission")
    if referral.source != Referral.Source.SOCIAL_SERVICES or added:
        raise Http404
    if found.access is not None and not found.access.may_act_at(referral.unit_id):
        raise Http404
    return found


def referral_for_triage(request, referral_id: int) -> Referral:
    """An undecided referral at the active unit, for a clinical member of it; else Http404."""
    unit = getattr(request, "unit", None)
    if unit is None or not policy.is_clinical(request.user):
        raise Http404
    referral = (
        Referral.objects.filter(pk=referral_id, unit=unit, state__in=Referral.OPEN_STATES)
        .select_related("unit")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def wait_time_rows(*, units, received_from: datetime.date, received_to: datetime.date):
    """The times behind the wait-time indicators, one row per referral received in the period.

    For the follow-up reports: unit, source, urgency, state, received_on, decided_at and
    first_contact_on, with nothing that names a person. Streamable (`.iterator()`) at any size.
    """
    return (
        Referral.objects.filter(
            unit__in=units, received_on__gte=received_from, received_on__lte=received_to
        )
        .order_by("unit_id", "received_on", "pk")
        .values(
            "unit_id",
            "source",
            "urgency",
            "state",
            "received_on",
            "decided_at",
            "first_contact_on",
        )
    )


def person_referrals(access: PersonAccess) -> list[Referral]:
    """The person's referrals (the ways in that were accepted) that the user may read.

    A referral is an enrolment record kept at its unit: read within the owner organisation, or
    across organisations under the coordination consent at that unit (the policy's rule).
    """
    referrals = Referral.objects.filter(person=access.person).select_related(
        "unit", "organisation", "decided_by", "commission"
    )
    return access.readable(
        referrals.order_by("-received_on", "-pk"),
        category=RecordCategory.ENROLMENT,
        unit=lambda r: r.unit_id,
    )
