"""Writes on an agreement's targets: add or change one (with its version, `core/versions.py`),
remove one, and carry a version's targets over to a proposed new version. By a party's manager
or coordinator (`access.acting_party`, as every edit of the agreement), on the version in force
or the proposal waiting; keyword-only and atomic, else ValidationError and nothing saved. No
person is named, so nothing is logged."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from helhet.core.models import User
from helhet.core.versions import check_based_on
from helhet.followup import periods
from helhet.followup.periods import Period
from helhet.followup.report import Measure

from . import targets
from .actions import _agreement_for_acting, _ids
from .models import TARGET_MAX, Agreement, AgreementVersion, Target

EDITABLE = (AgreementVersion.State.IN_FORCE, AgreementVersion.State.PROPOSED)
# the values a target may have, by the indicator's measure (a score: AUDIT 0–40, DUDIT 0–44)
BOUNDS = {
    Measure.PERCENT: (0, 100),
    Measure.DAYS: (0, 3650),
    Measure.COUNT: (0, TARGET_MAX),
    Measure.SCORE: (-44, 44),
}


def editable_versions(agreement: Agreement):
    """The versions whose targets are edited: the one in force and the proposal waiting."""
    return agreement.versions.filter(state__in=EDITABLE).order_by("-number")


@transaction.atomic
def target_save(
    *,
    user: User,
    agreement_id: int,
    agreement_version,
    indicator: str,
    comparison: str,
    value: Decimal,
    goal=None,
    goal_image: int | None = None,
    year: int | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    unit=None,
    target_id: int | None = None,
    based_on: int | None = None,
) -> Target:
    """A new target of the agreement's version AGREEMENT_VERSION (in force or proposed), or
    TARGET_ID changed from its version BASED_ON. Its period is YEAR, or STARTS_ON–ENDS_ON."""
    agreement, _party = _agreement_for_acting(user, agreement_id)
    if target_id is None:
        target = Target()
    else:
        target = _target(agreement, target_id)
        check_based_on(based_on, target.version)
        target.version += 1
    target.agreement_version = _version(agreement, agreement_version)
    target.goal_id = _goal(target.agreement_version, goal)
    if goal_image is not None and not 1 <= goal_image <= 10:
        raise ValidationError({"goal_image": _("Choose a goal image from 1 to 10.")})
    if target.goal_id is None and goal_image is None:
        raise ValidationError(_("Choose the goal or the goal image the target serves."))
    target.goal_image = goal_image
    target.indicator = targets.indicator_of(indicator).code
    if comparison not in Target.Comparison.values:
        raise ValidationError({"comparison": _("Choose at least or at most.")})
    target.comparison = comparison
    target.value = _value(indicator, value)
    target.starts_on, target.ends_on = _period(year, starts_on, ends_on)
    target.unit_id = _unit(agreement, unit)
    target.save()
    return target


@transaction.atomic
def target_delete(*, user: User, target_id: int) -> None:
    """Remove the target TARGET_ID."""
    found = Target.objects.filter(pk=target_id).select_related("agreement_version").first()
    if found is None:
        raise ValidationError(_("There is no such target."))
    agreement, _party = _agreement_for_acting(user, found.agreement_version.agreement_id)
    _target(agreement, target_id).delete()


def carry_over(source: AgreementVersion | None, version: AgreementVersion) -> None:
    """A proposed VERSION keeps the targets of SOURCE, the version it is based on: a target's
    goal is the new version's goal at the same place, if any (none: the goal image alone, and a
    target that served only that goal is left behind)."""
    if source is None:
        return
    goals = dict(version.goals.values_list("position", "pk"))
    carried = []
    for target in source.targets.select_related("goal"):
        goal_id = goals.get(target.goal.position) if target.goal else None
        if goal_id is None and target.goal_image is None:
            continue
        target.pk, target.agreement_version, target.goal_id = None, version, goal_id
        target.version = 0
        carried.append(target)
    Target.objects.bulk_create(carried)


def _target(agreement: Agreement, target_id: int) -> Target:
    found = (
        Target.objects.select_for_update(of=("self",))
        .filter(pk=target_id, agreement_version__in=editable_versions(agreement))
        .first()
    )
    if found is None:
        raise ValidationError(_("There is no such target."))
    return found


def _version(agreement: Agreement, chosen) -> AgreementVersion:
    found = editable_versions(agreement).filter(pk=_ids([chosen]).pop()).first()
    if found is None:
        raise ValidationError(
            {"agreement_version": _("Choose the version in force or the proposal.")}
        )
    return found


def _goal(version: AgreementVersion, chosen) -> int | None:
    if chosen is None:
        return None
    found = version.goals.filter(pk=_ids([chosen]).pop()).first()
    if found is None:
        raise ValidationError({"goal": _("Choose a goal of the same version.")})
    return found.pk


def _value(indicator: str, value: Decimal) -> Decimal:
    measure = targets.indicator_of(indicator).measure
    low, high = BOUNDS[measure]
    if not low <= value <= high:
        raise ValidationError(
            {"value": _("The value is from %(low)s to %(high)s.") % {"low": low, "high": high}}
        )
    if measure == Measure.COUNT and value != value.to_integral_value():
        raise ValidationError({"value": _("A count is a whole number.")})
    return value


def _period(
    year: int | None, starts_on: datetime.date | None, ends_on: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    if year is not None:
        if not 2000 <= year <= 2100:
            raise ValidationError({"year": _("Enter a year from 2000 to 2100.")})
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if starts_on is None or ends_on is None:
        raise ValidationError(_("Give the year, or the first and the last day of the period."))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    # a period the follow-up can show (from 2000, at most ten years), ended or not
    periods.check(Period.custom(starts_on, ends_on), today=ends_on)
    return starts_on, ends_on


def _unit(agreement: Agreement, chosen) -> int | None:
    if chosen is None:
        return None
    found = agreement.units.filter(pk=_ids([chosen]).pop()).first()
    if found is None:
        raise ValidationError({"unit": _("Choose a unit of the agreement.")})
    return found.pk
