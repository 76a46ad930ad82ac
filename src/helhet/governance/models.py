"""The collaboration between the authorities (issue 17): the agreement of one or more units and
its versions, the parties' approvals, the checklist of seed 004 Bilaga 1, staffing per party and
costs with their key. Nothing here names a person.

An agreement's content lives in its versions: a change is proposed as a new version, which takes
effect when every party (of the version in force and of the proposal) has approved it; every
version is kept. Deviations between the authorities are answered within the version in force's
`deviation_answer_days` (`Deviation`, `deviations.py`); disputes climb the `EscalationStep`s.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.models import Municipality, Organisation, Unit, User
from helhet.people.models import Person

from . import checklist

TARGET_MAX = 1_000_000  # a target's value: a count, days, a percent or a score


class Agreement(models.Model):
    """A collaboration agreement (samverkansavtal / överenskommelse) of one or more units."""

    name = models.CharField(_("name"), max_length=limits.NAME_LENGTH)
    units = models.ManyToManyField(Unit, verbose_name=_("units"), related_name="agreements")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:  # the checklist of seed 004, one row per item, not started
            ChecklistItem.objects.bulk_create(
                ChecklistItem(agreement=self, code=item.code, position=position)
                for position, item in enumerate(checklist.ITEMS)
            )


class AgreementVersion(models.Model):
    """One version of an agreement's content, proposed by a party; in force once every party
    has approved it (`actions.version_approve`)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        IN_FORCE = "in_force", _("in force")
        SUPERSEDED = "superseded", _("superseded")
        REPLACED = "replaced", _("replaced by a later proposal")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    change = models.TextField(_("what changes and why"), max_length=limits.TEXT_LENGTH, blank=True)
    parties = models.ManyToManyField(Organisation, verbose_name=_("parties"), related_name="+")
    decided_by = models.CharField(_("decided by"), max_length=limits.NAME_LENGTH, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    renews_yearly = models.BooleanField(_("renewed a year at a time"), default=False)
    signatories = models.TextField(_("signatories"), max_length=limits.TEXT_LENGTH, blank=True)
    mission = models.TextField(_("mission"), max_length=limits.GOAL_LENGTH)
    target_group = models.TextField(_("target group"), max_length=limits.TEXT_LENGTH)
    deviation_answer_days = models.PositiveSmallIntegerField(
        _("days to answer a deviation"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_DAYS)],
    )
    consultation_answer_days = models.PositiveSmallIntegerField(
        _("days to answer a consultation"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_DAYS)],
    )

    class Meta:
        ordering = ["agreement", "-number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="governance_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(state="in_force"),
                name="governance_one_version_in_force",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(state="proposed"),
                name="governance_one_proposal",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="governance_version_term_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} ({self.number})"


class Goal(models.Model):
    """One goal of a version (issue 18 hangs measurable targets on them)."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("goal"), max_length=limits.TEXT_LENGTH)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text


class Target(models.Model):
    """A measurable target of an agreement's version (`targets.py` has which targets apply to a
    unit and period, and whether one is met): an indicator of the follow-up (a code of
    `followup.definitions.INDICATORS`) compared at least or at most with VALUE, in the
    indicator's unit (percent, days, a count, a score), over the period STARTS_ON–ENDS_ON, at
    one of the agreement's units (UNIT) or all of them. It serves a goal of its version, a
    goal image (målbild 1–10), or both. No person is named."""

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")

    agreement_version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("agreement version"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    goal_image = models.PositiveSmallIntegerField(
        _("goal image"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    indicator = models.CharField(_("indicator"), max_length=40)
    comparison = models.CharField(_("comparison"), max_length=10, choices=Comparison.choices)
    value = models.DecimalField(
        _("target value"),
        max_digits=12,
        decimal_places=1,
        validators=[MinValueValidator(-TARGET_MAX), MaxValueValidator(TARGET_MAX)],
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every unit of the agreement."),
    )
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)

    class Meta:
        ordering = ["agreement_version", "starts_on", "indicator", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False) | Q(goal_image__isnull=False),
                name="governance_target_serves_a_goal",
            ),
            models.CheckConstraint(
                condition=Q(goal_image__isnull=True) | Q(goal_image__gte=1, goal_image__lte=10),
                name="governance_target_goal_image",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="governance_target_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_comparison_display()} {self.value}"


class EscalationStep(models.Model):
    """One step of the ladder a dispute climbs (unit managers, line managers, the steering
    group, the county's body), with the days it has to decide. At the step marked
    `by_steering_group` the unit's steering group decides; at the others the parties
    (`disputes.say` has who records what)."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    body = models.CharField(_("who decides"), max_length=limits.NAME_LENGTH)
    days = models.PositiveSmallIntegerField(
        _("days to decide"), validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_DAYS)]
    )
    by_steering_group = models.BooleanField(_("the steering group decides"), default=False)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self) -> str:
        return self.body


class Approval(models.Model):
    """A party's approval of a proposed version, by a manager or coordinator of that party."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="approvals"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        ordering = ["approved_at", "pk"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="governance_one_approval_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.version})"


class ChecklistItem(models.Model):
    """An item of the checklist (`checklist.ITEMS`) for one agreement: how far it has come."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        NOT_APPLICABLE = "not_applicable", _("not applicable")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField(max_length=30, choices=checklist.CODES)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    responsible = models.CharField(_("responsible"), max_length=limits.NAME_LENGTH, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=limits.TEXT_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    class Meta:
        ordering = ["agreement", "position"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "code"], name="governance_checklist_item_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.item.text)

    @property
    def item(self) -> checklist.Item:
        return checklist.BY_CODE[self.code]

    @property
    def overdue(self) -> bool:
        return (
            self.status in self.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class Position(models.Model):
    """An agreed position at the agreement's units: profession, share of full time, the party
    that employs and the party that pays; vacant until filled."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="positions")
    profession = models.CharField(_("profession"), max_length=30, choices=User.Profession.choices)
    title = models.CharField(_("title"), max_length=limits.NAME_LENGTH, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("share of full time (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    employer = models.ForeignKey(
        Organisation, verbose_name=_("employed by"), on_delete=models.PROTECT, related_name="+"
    )
    payer = models.ForeignKey(
        Organisation, verbose_name=_("paid by"), on_delete=models.PROTECT, related_name="+"
    )
    vacant = models.BooleanField(_("vacant"), default=False)
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)

    class Meta:
        ordering = ["agreement", "employer__name", "profession", "pk"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=1, percent__lte=100), name="governance_position_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_profession_display()} {self.percent} %"


class Cost(models.Model):
    """A cost of a year: a party's own (PARTY set) or shared by the key (PARTY empty). Edited
    and removed only by the party that recorded it (`RECORDED_BY`; empty for a cost recorded
    before it was kept: then by no one)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        PREMISES = "premises", _("Premises")
        CLEANING = "cleaning", _("Cleaning")
        SUPERVISION = "supervision", _("Supervision")
        EVALUATION = "evaluation", _("Evaluation")
        CARS = "cars", _("Cars")
        MATERIAL = "material", _("Material")
        DEVELOPMENT = "development", _("Joint development")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="costs")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    party = models.ForeignKey(
        Organisation,
        verbose_name=_("borne by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a shared cost, divided by the key."),
    )
    description = models.CharField(_("description"), max_length=limits.NAME_LENGTH, blank=True)
    amount = models.PositiveBigIntegerField(
        _("amount (SEK)"), validators=[MaxValueValidator(limits.MAX_AMOUNT)]
    )
    recorded_by = models.ForeignKey(
        Organisation,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)

    class Meta:
        ordering = ["agreement", "year", "party__name", "kind", "pk"]
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        indexes = [models.Index(fields=["agreement", "year"], name="governance_cost_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.amount}"


class CostKey(models.Model):
    """How an agreement's shared costs of a year are divided (`costs.divide`): fixed shares for
    every party; or fixed shares for the parties that are not municipalities and the rest among
    the municipalities by population or by use (enrolled persons resident there).

    A key is proposed by a party (who and when kept: `set_by`, `set_by_party`, `set_at`) and is
    in force once every party of the agreement has a `KeyApproval` (`actions.key_approve`), as
    a version of the agreement is; until then the statement divides by the key in force. A
    waiting proposal is replaced by a later one; every key is kept."""

    class Method(models.TextChoices):
        FIXED = "fixed", _("Fixed shares")
        POPULATION = "population", _("By population")
        USE = "use", _("By use (enrolled persons per municipality)")

    State = AgreementVersion.State

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="keys")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    method = models.CharField(_("key"), max_length=20, choices=Method.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_by_party = models.ForeignKey(
        Organisation,
        verbose_name=_("set by party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "year"]
        verbose_name = _("cost key")
        verbose_name_plural = _("cost keys")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year"],
                condition=Q(state="in_force"),
                name="governance_one_key_a_year",
            ),
            models.UniqueConstraint(
                fields=["agreement", "year"],
                condition=Q(state="proposed"),
                name="governance_one_key_proposal_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.year}"


class KeyApproval(models.Model):
    """A party's approval of a proposed cost key, by a manager or coordinator of that party."""

    key = models.ForeignKey(CostKey, on_delete=models.CASCADE, related_name="approvals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        ordering = ["approved_at", "pk"]
        verbose_name = _("approval of a cost key")
        verbose_name_plural = _("approvals of cost keys")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "organisation"], name="governance_one_key_approval_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.key})"


class KeyShare(models.Model):
    """A party's fixed share (percent) of the shared costs under a key."""

    key = models.ForeignKey(CostKey, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["key", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "organisation"], name="governance_one_share_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.percent} %"


class Population(models.Model):
    """A municipality's population in a year (for the population key), as data."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    population = models.PositiveIntegerField(
        _("population"), validators=[MaxValueValidator(limits.MAX_POPULATION)]
    )

    class Meta:
        ordering = ["municipality__name", "year"]
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="governance_one_population_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.population}"


class DeviationQuerySet(models.QuerySet):
    def overdue(self, today):
        """Reported, not answered, past the deadline: escalated to the steering group. The one
        rule (`Deviation.overdue` is its twin for one row)."""
        return self.filter(status=Deviation.Status.REPORTED, answer_by__lt=today)


class Deviation(models.Model):
    """A deviation (avvikelse) between the authorities of an agreement: reported by a member of
    staff of one party at a unit, addressed to another party's named function, which answers
    by the deadline of the agreement in force (`answer_by`); past it, the deviation is
    escalated to the steering group (`overdue`). Optionally about a person, whose identity the
    reporting party holds (`deviations.identity`)."""

    class Category(models.TextChoices):
        HANDOVER = "handover", _("Handover")
        UNANSWERED = "unanswered", _("Unanswered referral or consultation")
        SECRECY = "secrecy", _("Secrecy")
        RESPONSIBILITY = "responsibility", _("Responsibility")
        MONEY = "money", _("Money")
        TARGET_GROUP = "target_group", _("Target group")
        PATIENT_SAFETY = "patient_safety", _("Patient safety")
        WORK_ENVIRONMENT = "work_environment", _("Work environment")

    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="deviations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporting_party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    addressed_to = models.ForeignKey(
        Organisation, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+"
    )
    function = models.CharField(_("function addressed"), max_length=limits.NAME_LENGTH)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    happened_on = models.DateField(_("happened on"))
    description = models.TextField(_("what happened"), max_length=limits.TEXT_LENGTH)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_by = models.DateField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    answer = models.TextField(_("answer"), max_length=limits.TEXT_LENGTH, blank=True)
    measures = models.TextField(_("measures taken"), max_length=limits.TEXT_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    objects = DeviationQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("deviation")
        verbose_name_plural = _("deviations")
        indexes = [
            models.Index(fields=["unit", "status", "answer_by"], name="governance_deviation_due")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(addressed_to=models.F("reporting_party")),
                name="governance_deviation_to_another_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.happened_on})"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.REPORTED and self.answer_by < timezone.localdate()

    @property
    def answered_on_time(self) -> bool:
        return self.answered_on is not None and self.answered_on <= self.answer_by


def _meanwhile_fields() -> tuple[models.ForeignKey, models.TextField]:
    """Who acts meanwhile (a party) and what it does: a dispute's, and a decision's change."""
    party = models.ForeignKey(
        Organisation,
        verbose_name=_("acts meanwhile"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return party, models.TextField(
        _("what it does meanwhile"), max_length=limits.TEXT_LENGTH, blank=True
    )


class DisputeQuerySet(models.QuerySet):
    def running(self):
        return self.filter(status=Dispute.Status.RUNNING)

    def overdue(self, today):
        """Running past the current step's deadline: marked on the steering group's page. The
        one rule (`Dispute.overdue` is its twin for one row)."""
        return self.running().filter(decide_by__lt=today)


class Dispute(models.Model):
    """A dispute (tvist) between two parties of an agreement in force, climbing the ladder of
    the version in force when it was raised (`ladder`, its `EscalationStep`s): at each step a
    decision with its reasons settles it or moves it up to the next step with a new deadline;
    the last step can only settle. Optionally about a person, whose identity the raising party
    holds (`disputes.identity`); then who acts meanwhile is required: the person's help goes
    on while the dispute runs."""

    class Kind(models.TextChoices):
        RESPONSIBILITY = "responsibility", _("Responsibility")
        MONEY = "money", _("Money")
        TARGET_GROUP = "target_group", _("Target group")
        NEEDS = "needs", _("Differing assessments of a person's needs")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SETTLED = "settled", _("settled")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="disputes")
    ladder = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="+"
    )  # the version in force when raised: its steps are the ladder
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raising_party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    against = models.ForeignKey(
        Organisation, verbose_name=_("against"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("about"), max_length=20, choices=Kind.choices)
    question = models.TextField(_("what the dispute is about"), max_length=limits.TEXT_LENGTH)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meanwhile_party, meanwhile = _meanwhile_fields()
    step = models.PositiveSmallIntegerField(_("step"), default=1)
    decide_by = models.DateField(_("decide by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    # A settlement proposed by one party at a step of the parties, waiting for the other
    # party's confirmation (`dispute_actions.dispute_settlement_answer`); numbered, so that an
    # answer from a page that showed an earlier proposal is refused.
    proposal_number = models.PositiveIntegerField(default=0)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_party = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("settlement proposed at"), null=True, blank=True)
    proposed_decision = models.TextField(
        _("proposed decision"), max_length=limits.TEXT_LENGTH, blank=True
    )
    proposed_reasons = models.TextField(
        _("reasons of the proposal"), max_length=limits.TEXT_LENGTH, blank=True
    )

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [
            models.Index(fields=["unit", "status", "decide_by"], name="governance_dispute_due")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(against=models.F("raising_party")),
                name="governance_dispute_against_another_party",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True)
                | (Q(meanwhile_party__isnull=False) & ~Q(meanwhile="")),
                name="governance_dispute_about_a_person_says_who_acts",
            ),
            models.CheckConstraint(condition=Q(step__gte=1), name="governance_dispute_step"),
            models.CheckConstraint(
                condition=Q(proposed_by__isnull=True, proposed_party__isnull=True)
                | Q(status="running", proposed_by__isnull=False, proposed_party__isnull=False),
                name="governance_dispute_proposal_while_running",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.raised_at:%Y-%m-%d})"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.RUNNING and self.decide_by < timezone.localdate()


class DisputeDecision(models.Model):
    """The decision at one step of a dispute, with its reasons: settled (the dispute is closed
    with it) or not (the dispute moves up to the next step). Every step's decision is kept.
    `decided_party` is the party it was recorded for (none: by a steering-group member); a
    settlement of the parties names the other party's confirmation; a decision that moved the
    dispute up names who acts meanwhile from then on when it changed that."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="decisions")
    step = models.PositiveSmallIntegerField(_("step"))
    body = models.CharField(_("who decides"), max_length=limits.NAME_LENGTH)
    settled = models.BooleanField(_("settled"))
    decision = models.TextField(_("decision"), max_length=limits.TEXT_LENGTH)
    reasons = models.TextField(_("reasons"), max_length=limits.TEXT_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_party = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_party = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meanwhile_party, meanwhile = _meanwhile_fields()

    class Meta:
        ordering = ["dispute", "step"]
        verbose_name = _("decision in a dispute")
        verbose_name_plural = _("decisions in disputes")
        constraints = [
            # one decision a step: no double escalation
            models.UniqueConstraint(
                fields=["dispute", "step"], name="governance_one_decision_a_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute} ({self.step})"


# --- The steering group's work (issue 17, item 7): meetings, decisions, the year's cycle ------


class Meeting(models.Model):
    """A meeting of a steering group: when and where, the agenda, who attended (of the members),
    the minutes, and the follow-up period it looks at (`steering.period`)."""

    group = models.ForeignKey(
        "followup.SteeringGroup", on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=limits.NAME_LENGTH, blank=True)
    period_start = models.DateField(_("follow-up from"))
    period_end = models.DateField(_("follow-up until"))
    minutes = models.TextField(_("minutes"), max_length=limits.NOTE_LENGTH, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+", blank=True
    )
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["group", "-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="governance_meeting_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.held_on}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda, in order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("item"), max_length=limits.NAME_LENGTH)

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class DecisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)


class Decision(models.Model):
    """A decision of a meeting: what, who owns it (a member, or a party's named function), by
    when, and when and by whom it was done. Open decisions follow the group to its next
    meetings and its page."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"), max_length=limits.TEXT_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (member)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_function = models.CharField(
        _("owner (a party's function)"), max_length=limits.NAME_LENGTH, blank=True
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_function=""),
                name="governance_decision_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def overdue(self) -> bool:
        return (
            self.done_on is None and self.due_on is not None and self.due_on < timezone.localdate()
        )


class CycleStep(models.Model):
    """A step of a steering group's year (the annual cycle), due on the same day each year and
    marked done per year (`CycleDone`); reminded `remind_days` before (`reminders` kind
    `cycle_step_due`)."""

    class Kind(models.TextChoices):
        FOLLOW_UP_REPORT = "follow_up_report", _("Follow-up report")
        AGREEMENT_RENEWAL = "agreement_renewal", _("Agreement renewal")
        BUDGET = "budget", _("Budget")
        USER_SURVEY = "user_survey", _("User survey")
        OTHER = "other", _("Other step")

    group = models.ForeignKey(
        "followup.SteeringGroup", on_delete=models.CASCADE, related_name="cycle_steps"
    )
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=limits.NAME_LENGTH, blank=True)
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    remind_days = models.PositiveSmallIntegerField(
        _("days of reminder ahead"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_DAYS)],
    )
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)

    class Meta:
        ordering = ["group", "month", "day", "pk"]
        verbose_name = _("step of the year's cycle")
        verbose_name_plural = _("steps of the year's cycle")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31),
                name="governance_cycle_step_day",
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(name=""), name="governance_cycle_other_named"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.get_kind_display())


class CycleDone(models.Model):
    """A step of the cycle done for a year."""

    step = models.ForeignKey(CycleStep, on_delete=models.CASCADE, related_name="done")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["step", "year"]
        verbose_name = _("step done")
        verbose_name_plural = _("steps done")
        constraints = [
            models.UniqueConstraint(fields=["step", "year"], name="governance_cycle_done_once")
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.year}"


class ContactPerson(models.Model):
    """A party's named contact person at a unit (kontaktperson): a member of staff of the party
    at the unit, with the function they serve (e.g. "kontaktperson psykiatrin"); kept by the
    party's managers and coordinators there (`consultations.may_keep_contacts`)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(
        Organisation, verbose_name=_("party"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    function = models.CharField(_("function"), max_length=limits.NAME_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["unit__name", "party__name", "function", "pk"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "party", "user"], name="governance_one_contact_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.function} ({self.party})"


class ConsultationQuerySet(models.QuerySet):
    def overdue(self, today):
        """Asked, not answered, past the deadline (`Consultation.overdue` is its twin)."""
        return self.filter(status=Consultation.Status.ASKED, answer_by__lt=today)


class Consultation(models.Model):
    """A consultation request (konsultation) across the boundary: a question from a member of
    staff of one party at a unit to another party of the agreement, addressed to its contact
    person (or, with none, the party's function), answered by the deadline of the agreement
    in force. About a person or not; the asking party holds the person's identity
    (`consultations.identity`)."""

    class Status(models.TextChoices):
        ASKED = "asked", _("waiting for an answer")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="consultations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asking_party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    addressed_to = models.ForeignKey(
        Organisation, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    function = models.CharField(_("function addressed"), max_length=limits.NAME_LENGTH)
    question = models.TextField(_("question"), max_length=limits.QUESTION_LENGTH)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_by = models.DateField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASKED
    )
    answer = models.TextField(_("answer"), max_length=limits.QUESTION_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    deviation = models.ForeignKey(
        Deviation,
        verbose_name=_("reported as a deviation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(fields=["unit", "status", "answer_by"], name="governance_consultation_due")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(addressed_to=models.F("asking_party")),
                name="governance_consultation_to_another_party",
            ),
            models.CheckConstraint(
                condition=Q(status="asked", answered_at__isnull=True)
                | (~Q(status="asked") & ~Q(answer="") & Q(answered_at__isnull=False))
                | Q(status="closed", answered_at__isnull=True),
                name="governance_consultation_answered_when_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"consultation {self.pk} ({self.answer_by})"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.ASKED and self.answer_by < timezone.localdate()
