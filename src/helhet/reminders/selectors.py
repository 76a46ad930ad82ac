"""Reads for the task list: the open reminders at a unit that a user may see.

A reminder shows only for a person the user may see at the unit (`policy.visible_persons`,
through the caseload selector: on the user's case teams, or everyone at the unit), and only
when the user may read the record behind it, by the policy's conditions for lists: a plan
review by `policy.records_readable_q` (`grant_for`'s twin), a SIP follow-up by
`policy.sip_readable_q` (the SIP rule: under the person's coordination consent at the unit the
SIP is one joint plan). Consents and the enrolment (no recent contact) are readable to anyone
with a relationship at the unit.
Referrals waiting have no person yet: they are the unit's, shown to its members like the inbox.
Deviations to answer name no person: they are shown to the addressed party's managers and
coordinators at the unit (`deviations_to_answer`); disputes to decide, to both parties'
(`disputes_to_decide`); the steps of the steering groups' year, to the unit's managers and
coordinators (`cycle_steps_due`); consultations to answer, to the contact person asked and,
when none is named, the deadline has passed or the contact is away or gone, to the addressed
party's managers and coordinators at the unit (`consultations_to_answer`).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone

from helhet.access import policy
from helhet.access.models import RecordCategory
from helhet.care import selectors as care
from helhet.core import raw
from helhet.core.models import Membership, Unit, User
from helhet.core.selectors import labels, overview_url_maker, url_maker
from helhet.followup.access import FOLLOW_UP_ROLES
from helhet.governance.models import Consultation, ContactPerson, Dispute
from helhet.intake.models import Referral
from helhet.people.models import LISTED_FIELDS, Person

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
    Kind.DEVIATION_ANSWER_DUE: "governance:deviation",
    Kind.DISPUTE_STEP_DUE: "governance:dispute",
    Kind.CYCLE_STEP_DUE: "governance:cycle_step",
    Kind.CONSULTATION_ANSWER_DUE: "governance:consultation",
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
    deviations: Group | None = None
    disputes: Group | None = None
    cycle: Group | None = None
    consultations: Group | None = None

    @property
    def persons(self) -> list:
        """Each person shown, once, with the consent a reminder of theirs is disclosed by."""
        return persons_of([r for group in self.groups for r in group.reminders])

    @property
    def empty(self) -> bool:
        return not any(g.reminders for g in self.groups) and not any(
            g and g.reminders
            for g in (
                self.referrals,
                self.deviations,
                self.disputes,
                self.cycle,
                self.consultations,
            )
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
    referrals waiting. One query per kind, one for the persons shown."""
    today = timezone.localdate()
    kind_labels = labels(Kind)
    tasks = TaskList()
    due = Due(user, unit=unit, whole_unit=whole_unit)
    found = {kind: due.rows(GROUP_SIZE + 1, kinds=[kind]) for kind in PERSON_KINDS}
    with_persons([r for rows in found.values() for r in rows[:GROUP_SIZE]])
    for kind, rows in found.items():
        tasks.groups.append(_group(kind, kind_labels[kind], rows, today))
    referrals = Reminder.objects.filter(
        unit=unit, kind=Kind.REFERRAL_WAITING, resolved_at__isnull=True
    ).order_by("due_on", "pk")
    rows = _with_referrals(list(referrals[: GROUP_SIZE + 1]))
    tasks.referrals = _group(Kind.REFERRAL_WAITING, kind_labels[Kind.REFERRAL_WAITING], rows, today)
    tasks.deviations = _group(
        Kind.DEVIATION_ANSWER_DUE,
        kind_labels[Kind.DEVIATION_ANSWER_DUE],
        list(deviations_to_answer(user, unit)[: GROUP_SIZE + 1]),
        today,
    )
    tasks.disputes = _group(
        Kind.DISPUTE_STEP_DUE,
        kind_labels[Kind.DISPUTE_STEP_DUE],
        list(disputes_to_decide(user, unit)[: GROUP_SIZE + 1]),
        today,
    )
    tasks.cycle = _group(
        Kind.CYCLE_STEP_DUE,
        kind_labels[Kind.CYCLE_STEP_DUE],
        list(cycle_steps_due(user, unit)[: GROUP_SIZE + 1]),
        today,
    )
    tasks.consultations = _group(
        Kind.CONSULTATION_ANSWER_DUE,
        kind_labels[Kind.CONSULTATION_ANSWER_DUE],
        list(consultations_to_answer(user, unit)[: GROUP_SIZE + 1]),
        today,
    )
    return tasks


def deviations_to_answer(user: User, unit: Unit) -> QuerySet[Reminder]:
    """The open reminders of deviations at UNIT addressed to USER's organisation, for its
    managers and coordinators at the unit (who answer them: `governance.deviations`)."""
    answering = Membership.objects.filter(user=user, unit=unit, role__in=FOLLOW_UP_ROLES)
    if user.organisation_id is None or not answering.exists():
        return Reminder.objects.none()
    return Reminder.objects.filter(
        unit=unit,
        kind=Kind.DEVIATION_ANSWER_DUE,
        organisation_id=user.organisation_id,
        resolved_at__isnull=True,
    ).order_by("due_on", "pk")


def disputes_to_decide(user: User, unit: Unit) -> QuerySet[Reminder]:
    """The open reminders of disputes at UNIT between USER's organisation and another party,
    for its managers and coordinators at the unit (who decide at each step:
    `governance.disputes`)."""
    deciding = Membership.objects.filter(user=user, unit=unit, role__in=FOLLOW_UP_ROLES)
    if user.organisation_id is None or not deciding.exists():
        return Reminder.objects.none()
    party = Q(raising_party_id=user.organisation_id) | Q(against_id=user.organisation_id)
    ours = Dispute.objects.filter(party, pk=OuterRef("source_id"))
    return Reminder.objects.filter(
        Exists(ours), unit=unit, kind=Kind.DISPUTE_STEP_DUE, resolved_at__isnull=True
    ).order_by("due_on", "pk")


def cycle_steps_due(user: User, unit: Unit) -> QuerySet[Reminder]:
    """The open reminders of the steering groups' yearly steps at UNIT, for its managers and
    coordinators (who, with the groups' members, mark them done: `governance.steering`)."""
    if not Membership.objects.filter(user=user, unit=unit, role__in=FOLLOW_UP_ROLES).exists():
        return Reminder.objects.none()
    return Reminder.objects.filter(
        unit=unit, kind=Kind.CYCLE_STEP_DUE, resolved_at__isnull=True
    ).order_by("due_on", "pk")


def consultations_to_answer(user: User, unit: Unit) -> QuerySet[Reminder]:
    """The open reminders of consultations at UNIT that USER answers: those addressed to USER
    as the contact person, and, as a manager or coordinator of the addressed party at the unit,
    those addressed to the party's function (no contact person named), those past their
    deadline, and those whose contact person is no longer the party's contact person at the
    unit, nor a member there, nor active (away or gone: someone else must answer)."""
    if user.organisation_id is None:
        return Reminder.objects.none()
    answering = Q(contact=user)
    if Membership.objects.filter(user=user, unit=unit, role__in=FOLLOW_UP_ROLES).exists():
        still_contact = ContactPerson.objects.filter(
            unit=OuterRef("unit"), party=OuterRef("addressed_to"), user=OuterRef("contact")
        )
        still_member = Membership.objects.filter(unit=OuterRef("unit"), user=OuterRef("contact"))
        for_the_party = (
            Q(contact__isnull=True)
            | Q(answer_by__lt=timezone.localdate())
            | Q(contact__is_active=False)
            | ~Exists(still_contact)
            | ~Exists(still_member)
        )
        answering |= Q(for_the_party, addressed_to_id=user.organisation_id)
    asked = Consultation.objects.filter(answering, unit=unit).values("pk")
    return Reminder.objects.filter(
        unit=unit,
        kind=Kind.CONSULTATION_ANSWER_DUE,
        source_id__in=asked,
        resolved_at__isnull=True,
    ).order_by("due_on", "pk")


# The columns of a reminder that a task list reads.
COLUMNS = ("id", "unit_id", "person_id", "kind", "due_on", "source_id", "organisation_id")


class Due:
    """The open reminders at UNIT about the persons USER may see there (on USER's case teams,
    or WHOLE_UNIT everyone) whose record USER may read, the most overdue first; each with the
    consent it is disclosed by (`disclosed_by`), without its person (`with_persons`).

    The rule's SQL is built and compiled once per user, unit, scope and day
    (`raw.compiled_once`: that costs more than running it), then read
    through batches of the unit's open reminders in due order of persons with an episode on
    the caseload (`raw.compiled_through`; the index `reminder_open_by_unit_due`) until the
    rows asked for are found: the rule is asked
    of a few rows, not of every reminder at the unit before sorting them (at 100,000 persons,
    a unit with 4,500 persons on the nurse's case teams: 170 ms a kind).
    """

    # The first batch read per row asked for; each later batch is twice the one before.
    BATCH = 4

    def __init__(self, user: User, *, unit: Unit, whole_unit: bool):
        today = timezone.localdate()

        def shown() -> QuerySet[Reminder]:
            persons = care.caseload_persons(user, unit=unit, whole_unit=whole_unit, on=today)
            return (
                Reminder.objects.filter(
                    readable_q(user, today=today), Exists(persons.filter(pk=OuterRef("person")))
                )
                .annotate(disclosed_by=_disclosed_by(user, today=today))
                .only(*COLUMNS)
                .order_by("due_on", "pk")
            )

        self.unit = unit
        # Read first: the reminders of persons with an episode on the caseload, of whom the
        # rule then keeps those USER may see and whose record USER may read.
        self.episodes = care.caseload_episodes(user, unit=unit, whole_unit=whole_unit).filter(
            person=OuterRef("person")
        )
        sql, params = raw.compiled_once(  # once per user, unit, scope and day
            ("tasks due", *policy.sql_key(user, on=today, units=None), unit.pk, whole_unit), shown
        )
        self.sql, self.params = sql, list(params)

    def rows(
        self,
        count: int,
        *,
        kinds=PERSON_KINDS,
        due_from: datetime.date | None = None,
        due_before: datetime.date | None = None,
    ) -> list[Reminder]:
        """Up to COUNT reminders of KINDS, due in [DUE_FROM, DUE_BEFORE) when given."""
        window = Q(kind__in=kinds, unit=self.unit, resolved_at__isnull=True)
        if due_from is not None:
            window &= Q(due_on__gte=due_from)
        if due_before is not None:
            window &= Q(due_on__lt=due_before)
        at_unit = Reminder.objects.filter(window, Exists(self.episodes)).order_by("due_on", "pk")
        found: list[Reminder] = []
        start, size = 0, count * self.BATCH
        while len(found) < count:
            ids = list(at_unit.values_list("pk", flat=True)[start : start + size])
            if not ids:
                break
            batch = Reminder.objects.filter(pk__in=ids).order_by("due_on", "pk")
            sql, params = raw.compiled_through(
                Reminder, self.sql, self.params, batch.values(*COLUMNS, "resolved_at")
            )
            found.extend(raw.Sliced(Reminder, sql, params)[: count - len(found)])
            if len(ids) < size:
                break
            start, size = start + size, size * 2
        return found


def with_persons(reminders: list[Reminder]) -> list[Reminder]:
    """REMINDERS, each with its person (the columns a list shows): one query."""
    ids = {r.person_id for r in reminders}
    persons = Person.objects.only(*LISTED_FIELDS).in_bulk(ids) if ids else {}
    for reminder in reminders:
        reminder.person = persons[reminder.person_id]
    return reminders


def persons_of(reminders: list[Reminder]) -> list[Person]:
    """Each person REMINDERS name, once, with the consent a reminder of theirs is disclosed
    by (`disclosed_by`, for the log)."""
    shown: dict[int | None, Any] = {}
    for reminder in reminders:
        person = shown.setdefault(reminder.person_id, reminder.person)
        disclosed_by = getattr(reminder, "disclosed_by", None)  # `due` annotates it
        if disclosed_by and person and not getattr(person, "disclosed_by", None):
            person.disclosed_by = disclosed_by
    return list(shown.values())


def _group(kind: Kind, label: str, rows: list[Reminder], today: datetime.date) -> Group:
    return Group(kind, label, with_links(rows[:GROUP_SIZE], today), more=len(rows) > GROUP_SIZE)


def with_links(reminders: list[Reminder], today: datetime.date) -> list[Reminder]:
    """REMINDERS, each with the days it is overdue, where to act on it and its person's
    overview."""
    overview_url = overview_url_maker()
    act_at = {str(kind): url_maker(name) for kind, name in ACT_AT.items()}
    for reminder in reminders:
        reminder.days_overdue = (today - reminder.due_on).days
        by_source = reminder.person_id is None  # a referral's, a deviation's or a dispute's
        reminder.act_url = act_at[reminder.kind](
            reminder.source_id if by_source else reminder.person_id
        )
        if reminder.person_id is not None:
            reminder.overview_url = overview_url(reminder.person_id)
    return reminders


def _with_referrals(rows: list[Reminder]) -> list[Reminder]:
    """ROWS, each with its referral (received, source, urgency): one query."""
    referrals = Referral.objects.filter(pk__in=[r.source_id for r in rows]).only(
        "received_on", "source", "urgency"
    )
    found = {r.pk: r for r in referrals}
    for reminder in rows:
        reminder.referral = found.get(reminder.source_id)
    return [r for r in rows if r.referral is not None]
