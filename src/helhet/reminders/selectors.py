"""Reads for the task list: the open reminders at a unit that a user may see.

A reminder shows only for a person the user may see at the unit (`policy.visible_persons`,
through the caseload selector: on the user's case teams, or everyone at the unit), and only
when the user may read the record behind it, by the policy's conditions for lists: a plan
review by `policy.records_readable_q` (`grant_for`'s twin), a SIP follow-up by
`policy.sip_readable_q` (the SIP rule: under the person's coordination consent at the unit the
SIP is one joint plan). Consents and the enrolment (no recent contact) are readable to anyone
with a relationship at the unit.
Referrals waiting have no person yet: they are the unit's, shown to its members like the inbox.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Case, Q, When
from django.utils import timezone

from helhet.access import policy
from helhet.access.models import RecordCategory
from helhet.care import selectors as care
from helhet.core.models import Unit, User
from helhet.core.selectors import labels, overview_url_maker, url_maker
from helhet.intake.models import Referral
from helhet.people.models import LISTED_FIELDS

from .models import Reminder

Kind = Reminder.Kind
PLANS = RecordCategory.PLANS
PERSON_KINDS = [
    Kind.SIP_FOLLOW_UP_DUE,
    Kind.PLAN_REVIEW_DUE,
    Kind.CONSENT_EXPIRING,
    Kind.NO_RECENT_CONTACT,
]
# Where to act on each kind: a person page (by person id) or the referral (by referral id).
ACT_AT = {
    Kind.SIP_FOLLOW_UP_DUE: "plans:sip",
    Kind.PLAN_REVIEW_DUE: "plans:plans",
    Kind.CONSENT_EXPIRING: "access:consent_new",
    Kind.NO_RECENT_CONTACT: "contacts:new",
    Kind.REFERRAL_WAITING: "intake:detail",
}
# Rows shown of each kind, the most overdue first.
GROUP_SIZE = 100


@dataclass
class Group:
    kind: str
    label: str
    reminders: list[Reminder]
    more: bool  # more than GROUP_SIZE are due


@dataclass
class TaskList:
    groups: list[Group] = field(default_factory=list)
    referrals: Group | None = None

    @property
    def persons(self) -> list:
        """Each person shown, once, with the consent a reminder of theirs is disclosed by."""
        shown: dict[int | None, Any] = {}
        for group in self.groups:
            for reminder in group.reminders:
                person = shown.setdefault(reminder.person_id, reminder.person)
                disclosed_by = getattr(reminder, "disclosed_by", None)  # task_list annotates it
                if disclosed_by and person and not getattr(person, "disclosed_by", None):
                    person.disclosed_by = disclosed_by
        return list(shown.values())

    @property
    def empty(self) -> bool:
        return not any(g.reminders for g in self.groups) and not (
            self.referrals and self.referrals.reminders
        )


def readable_q(user: User, *, today: datetime.date) -> Q:
    """The reminders whose record USER may read (given a relationship at the unit)."""
    return (
        Q(kind__in=[Kind.CONSENT_EXPIRING, Kind.NO_RECENT_CONTACT])
        | (Q(kind=Kind.PLAN_REVIEW_DUE) & policy.records_readable_q(user, PLANS, on=today))
        | (Q(kind=Kind.SIP_FOLLOW_UP_DUE) & policy.sip_readable_q(user, on=today))
    )


def _disclosed_by(user: User, *, today: datetime.date) -> Case:
    """The consent a reminder's record is disclosed by (NULL: read as USER's own, or
    readable to anyone with a relationship at the unit), as the policy names it."""
    return Case(
        When(kind__in=[Kind.CONSENT_EXPIRING, Kind.NO_RECENT_CONTACT], then=None),
        When(kind=Kind.SIP_FOLLOW_UP_DUE, then=policy.sip_basis_consent(user, on=today)),
        default=policy.records_basis_consent(user, PLANS, on=today),
        output_field=models.BigIntegerField(),
    )


def task_list(user: User, *, unit: Unit, whole_unit: bool) -> TaskList:
    """USER's open reminders at UNIT, grouped by kind, the most overdue first: for persons on
    USER's case teams (or, WHOLE_UNIT, everyone at the unit USER may see), and the unit's
    referrals waiting. One query per kind."""
    today = timezone.localdate()
    persons = care.caseload(user, unit=unit, whole_unit=whole_unit).values("pk")
    reminders = (
        Reminder.objects.filter(
            readable_q(user, today=today),
            unit=unit,
            resolved_at__isnull=True,
            person__in=persons,
        )
        .annotate(disclosed_by=_disclosed_by(user, today=today))
        .select_related("person")
        .only(*(f"person__{name}" for name in LISTED_FIELDS), "kind", "due_on", "person")
        .order_by("due_on", "pk")
    )
    kind_labels = labels(Kind)
    tasks = TaskList()
    for kind in PERSON_KINDS:
        rows: list[Reminder] = list(reminders.filter(kind=kind)[: GROUP_SIZE + 1])
        tasks.groups.append(_group(kind, kind_labels[kind], rows, today))
    referrals = Reminder.objects.filter(
        unit=unit, kind=Kind.REFERRAL_WAITING, resolved_at__isnull=True
    ).order_by("due_on", "pk")
    rows = _with_referrals(list(referrals[: GROUP_SIZE + 1]))
    tasks.referrals = _group(Kind.REFERRAL_WAITING, kind_labels[Kind.REFERRAL_WAITING], rows, today)
    return tasks


def _group(kind: Kind, label: str, rows: list[Reminder], today: datetime.date) -> Group:
    act_at, overview_url = url_maker(ACT_AT[kind]), overview_url_maker()
    for reminder in rows[:GROUP_SIZE]:
        reminder.days_overdue = (today - reminder.due_on).days
        target = reminder.source_id if kind == Kind.REFERRAL_WAITING else reminder.person_id
        reminder.act_url = act_at(target)
        if reminder.person_id is not None:
            reminder.overview_url = overview_url(reminder.person_id)
    return Group(kind, label, rows[:GROUP_SIZE], more=len(rows) > GROUP_SIZE)


def _with_referrals(rows: list[Reminder]) -> list[Reminder]:
    """ROWS, each with its referral (received, source, urgency): one query."""
    referrals = Referral.objects.filter(pk__in=[r.source_id for r in rows]).only(
        "received_on", "source", "urgency"
    )
    found = {r.pk: r for r in referrals}
    for reminder in rows:
        reminder.referral = found.get(reminder.source_id)
    return [r for r in rows if r.referral is not None]
