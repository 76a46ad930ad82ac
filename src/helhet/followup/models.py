"""Who follows the units up: steering groups (styrgrupper) and their members.

A steering-group member sees the follow-up of the group's units, and the county comparison,
as aggregates only. Membership of a steering group is not a `core.Membership`: it gives no
care relationship, no unit to work in and no page with a person on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Unit


class SteeringGroup(models.Model):
    """The joint body of the organisations that run one or more units and follow them up."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    units = models.ManyToManyField(
        Unit, verbose_name=_("units followed up"), related_name="steering_groups"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="steering_groups",
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("steering group")
        verbose_name_plural = _("steering groups")

    def __str__(self) -> str:
        return self.name


class ExportJob(models.Model):
    """One export of follow-up figures (xlsx, CSV or PDF), made in the background by
    `tasks.run_export` and downloaded by its owner only. PARAMS are the report's filters as the
    pages send them (scope, unit or unit type, period, breakdown) and the owner's language at
    request time. The file holds aggregates only, always suppressed; it is deleted after
    HELHET_EXPORT_KEEP_DAYS."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (xlsx)")
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followup_exports",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    params = models.JSONField(_("parameters"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    state = models.CharField(_("state"), max_length=7, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    content = models.BinaryField(_("file"), null=True, editable=False)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["owner", "-created_at"], name="followup_export_owner")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="followup_export_progress_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=["xlsx", "csv", "pdf"]),
                name="followup_export_format_known",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="followup_export_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def downloadable(self) -> bool:
        # The file's name is cleared with the file (tasks.purge_old_files), so that a list of
        # jobs can tell without loading the files.
        return self.state == self.State.DONE and bool(self.filename)


class SummaryKind(models.TextChoices):
    """The periods the summaries are kept for (`Period.kind`): a custom period reads the raw
    rows."""

    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")


class Summary(models.Model):
    """One person's additive figures at one unit in one month, quarter or year (KIND, from
    START): the contacts, bookings, dispensings and drug tests in force there, kept up to date
    by `summaries.refresh` as they are written. A row exists while one of its figures is not
    zero. The follow-up reads them for whole periods (`summaries`): a person with a row whose
    ATTENDED is above zero is one of the period's contact persons, and the breakdown's group
    and the client-or-relative rule are the person's, read at report time as from the raw rows.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    # A person's summaries go with the person (their raw rows do too).
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=7, choices=SummaryKind.choices)
    start = models.DateField()
    attended = models.PositiveIntegerField(default=0)  # contacts attended
    not_attended = models.PositiveIntegerField(default=0)  # contacts recorded as not attended
    visit = models.PositiveIntegerField(default=0)  # attended, by `Contact.Kind`
    phone = models.PositiveIntegerField(default=0)
    video = models.PositiveIntegerField(default=0)
    home_visit = models.PositiveIntegerField(default=0)
    outreach = models.PositiveIntegerField(default=0)
    group = models.PositiveIntegerField(default=0)
    drop_in = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)  # bookings held or missed
    no_show = models.PositiveIntegerField(default=0)  # bookings missed
    dispensings = models.PositiveIntegerField(default=0)
    drug_tests = models.PositiveIntegerField(default=0)

    objects: models.Manager[Summary] = models.Manager()

    class Meta:
        verbose_name = _("follow-up summary")
        verbose_name_plural = _("follow-up summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person", "kind", "start"], name="followup_summary_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "start", "unit"], name="followup_summary_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}"


class SummaryIntervention(models.Model):
    """One person's interventions of one catalogue item at one unit in one month, quarter or
    year (`Summary`'s key and the item): N given at attended contacts in force, above zero."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=7, choices=SummaryKind.choices)
    start = models.DateField()
    intervention = models.ForeignKey(
        "contacts.Intervention", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    n = models.PositiveIntegerField()

    objects: models.Manager[SummaryIntervention] = models.Manager()

    class Meta:
        verbose_name = _("follow-up summary of an intervention")
        verbose_name_plural = _("follow-up summaries of interventions")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person", "kind", "start", "intervention"],
                name="followup_summary_intervention_unique",
            )
        ]
        indexes = [
            models.Index(fields=["kind", "start", "unit"], name="followup_summary_item_period")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}: {self.n}"
