"""The calendar: bookings of a person ahead of time, group sessions, and staff's feeds.

A booking is in the shared layer the unit coordinates on (appointments), read as the person's
enrolment is (`RecordCategory.ENROLMENT`), owned by the organisation of the staff member who
booked it. When it is held or missed it becomes a `Contact` of the same kind (`contact`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.care.models import Episode
from helhet.contacts.models import Contact
from helhet.core import limits
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person

MAX_BOOKING_MINUTES = 8 * 60  # a working day: longer is not one appointment
PLACE_LENGTH = 200
MAX_REMINDER_ATTEMPTS = 3
# What a booking may be: a contact kind booked ahead (drop-in and outreach are not booked).
BOOKABLE_KINDS = [
    Contact.Kind.VISIT,
    Contact.Kind.HOME_VISIT,
    Contact.Kind.PHONE,
    Contact.Kind.VIDEO,
    Contact.Kind.GROUP,
]


class GroupSession(models.Model):
    """A group session at a unit (time, length, staff, place, title); its participants are
    bookings of persons (`Booking.group_session`)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=PLACE_LENGTH, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="group_sessions", verbose_name=_("staff")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Cancelled by the unit (its participants' bookings with it); kept, struck out.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(
        _("reason for cancelling"), max_length=limits.TEXT_LENGTH, blank=True
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        indexes = [models.Index(fields=["unit", "starts_at"], name="group_session_unit_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="group_session_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Booking(models.Model):
    """A person booked at a unit ahead of time: when, how long, what kind, with whom, where."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    class CancelledBy(models.TextChoices):
        PERSON = "person", _("The person")
        UNIT = "unit", _("The unit")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bookings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="bookings")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("kind of contact"),
        max_length=20,
        choices=[(k.value, k.label) for k in BOOKABLE_KINDS],
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=PLACE_LENGTH, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="bookings_as_staff", verbose_name=_("staff")
    )
    group_session = models.ForeignKey(
        GroupSession,
        verbose_name=_("group session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participants",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True
    )
    cancel_reason = models.TextField(
        _("reason for cancelling"), max_length=limits.TEXT_LENGTH, blank=True
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    rebooked_from = models.OneToOneField(
        "self",
        verbose_name=_("rebooked from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rebooked_as",
    )
    # The contact the booking became (attended or no-show): its first version. A correction
    # of it moves the status with it (`contacts.actions.contact_correct`): the status is
    # always the attendance of the version in force.
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="booking"
    )
    # The person agreed to a text reminder of this booking (asked when booking).
    remind = models.BooleanField(_("send the person a reminder"), default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Sends that failed (the gateway refused): given up after MAX_REMINDER_ATTEMPTS.
    reminder_attempts = models.PositiveSmallIntegerField(default=0)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How many times the booking was edited (time, length, staff, place, kind, reminder): the
    # edit form carries it (`core.versions`), so that a second edit from the same page is
    # refused rather than lost.
    version = models.PositiveIntegerField(default=0)

    # Not columns: what the person's list shows of it, made once per page (`_mark_rows`).
    staff_names: str
    kind_label: str
    length: str
    moved_from: str  # "Moved from <when>", for a booking moved here from another
    status_label: str
    status_flag: str
    cancelled_by_label: str
    urls: dict[str, str]

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["unit", "starts_at"], name="booking_unit_starts"),
            models.Index(fields=["person", "starts_at"], name="booking_person_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_by__in=["person", "unit"])
                | (~Q(status="cancelled") & Q(cancelled_by="")),
                name="booking_cancelled_by_whom",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["attended", "no_show"], contact__isnull=False)
                | (~Q(status__in=["attended", "no_show"]) & Q(contact__isnull=True)),
                name="booking_outcome_is_a_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_booked(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def is_ahead(self) -> bool:
        """Not begun yet (what may still be changed)."""
        return self.starts_at > timezone.now()

    @classmethod
    def outcome_of(cls, contact: Contact) -> str:
        """The status of a booking that became CONTACT (the version in force): attended or
        no-show, as the contact says."""
        return cls.Status.ATTENDED if contact.attended else cls.Status.NO_SHOW


class CalendarFeed(models.Model):
    """A staff member's private iCalendar address: only the token's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
