"""Who follows the units up: steering groups (styrgrupper) and their members.

A steering-group member sees the follow-up of the group's units, and the county comparison,
as aggregates only. Membership of a steering group is not a `core.Membership`: it gives no
care relationship, no unit to work in and no page with a person on it.
"""

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
