"""Episodes of enrolment at a unit and the person's case team."""

import calendar
import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Organisation, Unit
from helhet.people.models import Person

if TYPE_CHECKING:
    from helhet.people.selectors import TeamMember


class ClosureReason(models.Model):
    """The catalogue of reasons an episode is closed for."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("closure reason")
        verbose_name_plural = _("closure reasons")

    def __str__(self) -> str:
        return self.name


def add_months(day: datetime.date, months: int) -> datetime.date:
    """DAY moved MONTHS calendar months on, kept within the month (31 Jan + 1 = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def reactivation_months(months: int | None = None) -> int:
    """The reactivation window in months: MONTHS, else `HELHET_REACTIVATION_MONTHS`."""
    return settings.HELHET_REACTIVATION_MONTHS if months is None else months


def within_reactivation_window(
    closed_on: datetime.date, opened_on: datetime.date, *, months: int | None = None
) -> bool:
    """Does an episode opened on OPENED_ON count as a reactivation of one closed on CLOSED_ON:
    opened at most the window's calendar months after the closure (the same day included)."""
    return opened_on <= add_months(closed_on, reactivation_months(months))


class EpisodeQuerySet(models.QuerySet):
    def with_reactivation(self, *, months: int | None = None) -> "EpisodeQuerySet":
        """Annotate `in_reactivation_window`: the episode continues a closed one at the unit
        and opened within the reactivation window of its closure (`within_reactivation_window`
        in the database, on SQLite and PostgreSQL alike).

        The window in whole months: opened N calendar months after the closure (year * 12 +
        month), within the window when N is less than the window, or equal and the day of the
        month is not later than the closure's (the same answer as `add_months`, month ends
        included).
        """
        n = reactivation_months(months)
        closed = "reactivation_of__closed_on"
        gap = (ExtractYear("opened_on") - ExtractYear(closed)) * 12 + (
            ExtractMonth("opened_on") - ExtractMonth(closed)
        )
        in_window = Q(reactivation_of__closed_on__isnull=False) & (
            Q(gap__lt=n) | Q(gap=n, opened_day__lte=ExtractDay(closed))
        )
        return self.alias(gap=gap, opened_day=ExtractDay("opened_on")).annotate(
            in_reactivation_window=ExpressionWrapper(in_window, output_field=models.BooleanField())
        )


class Episode(models.Model):
    """One period of enrolment (inskrivning) of a person at a unit.

    The episode belongs to the organisation of the staff member who opened it.
    """

    class OpenedThrough(models.TextChoices):
        """How the episode came about: accepting a referral someone else registered, or the
        opener's own doing (registering the person, opening it from the person's page,
        accepting a referral they registered themselves). A self-opened episode makes a care
        relationship nobody else decided on: it is shown and flagged for the log review."""

        REFERRAL = "referral", _("through a referral")
        SELF = "self", _("opened by the user without a referral")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="episodes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_through = models.CharField(
        _("opened through"),
        max_length=10,
        choices=OpenedThrough.choices,
        default=OpenedThrough.REFERRAL,
    )
    # A relative enrolled for support of their own (a parents' advice session at Mini-Maria),
    # at a unit that serves relatives: outside the unit's age limits (`check_target_group`).
    as_relative = models.BooleanField(_("enrolled as a relative"), default=False)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    closure_reason = models.ForeignKey(
        ClosureReason,
        verbose_name=_("reason for closing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The latest closed episode at the unit, whenever the person returns. Whether the return
    # counts as a reactivation (within HELHET_REACTIVATION_MONTHS) is computed, not stored, so
    # that a changed setting changes the answer: `is_reactivation`, `with_reactivation()`.
    reactivation_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reactivated_by",
        verbose_name=_("reactivation of"),
    )

    objects = EpisodeQuerySet.as_manager()

    # Not columns. Set by the access policy's read of the person's episodes: whether the
    # reading user is on the episode's case team. Set on the episodes the person overview
    # shows (people.selectors): the case team, what the user may do, the earlier episode.
    user_on_team: bool
    team: list["TeamMember"]
    may_act: bool
    may_reactivate: bool
    previous: "Episode | None"
    follows_visible: bool  # the earlier episode it follows is one the user sees

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=Q(closed_on__isnull=True),
                name="episode_one_open_per_person_and_unit",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="episode_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closure_reason__isnull=True)
                | Q(closed_on__isnull=False, closure_reason__isnull=False),
                name="episode_closed_with_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "person"],
                condition=Q(closed_on__isnull=True),
                name="episode_open_by_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit} ({self.opened_on})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def is_self_opened(self) -> bool:
        return self.opened_through == self.OpenedThrough.SELF

    @property
    def is_reactivation(self) -> bool:
        """A return to the unit within the reactivation window of the earlier episode's
        closure. Reads the earlier episode (one query unless it is loaded already)."""
        earlier = self.reactivation_of  # None, without a query, when reactivation_of_id is
        if earlier is None or earlier.closed_on is None:
            return False
        return within_reactivation_window(earlier.closed_on, self.opened_on)


class CaseTeamMember(models.Model):
    """A named staff member on the person's team at one unit; case managers coordinate."""

    class Role(models.TextChoices):
        CASE_MANAGER = "case_manager", _("Case manager")
        MEMBER = "member", _("Team member")

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="case_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "user__last_name"]
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        constraints = [
            models.UniqueConstraint(fields=["episode", "user"], name="case_team_unique_member")
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.user_id}"
