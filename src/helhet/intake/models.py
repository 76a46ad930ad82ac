"""Referrals (remisser) and self-referrals (egenanmälningar): the ways into a unit.

A referral belongs to the unit that received it: its members triage it in the unit's inbox. It
may name a person (name, identity number, how to reach them) before any Person exists; accepting
it registers or finds the person, opens the episode and links both here. Until then the
referral is the unit's inbox item; once linked it is part of the person's enrolment record and
read through the access policy (category enrolment, owner `organisation`, kept at `unit`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.care.models import Episode
from helhet.core import limits
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person


class Referral(models.Model):
    """One way in to a unit: a referral from a referrer, or a self-referral.

    The times the wait-time indicators need: `received_on` (the date the unit received it),
    `decided_at` (accepted or declined), `first_contact_on` (the first contact after accepting).
    """

    class Source(models.TextChoices):
        PRIMARY_CARE = "primary_care", _("Primary care centre")
        SOCIAL_SERVICES = "social_services", _("Social services")
        PSYCHIATRY = "psychiatry", _("Psychiatry")
        HOSPITAL = "hospital", _("Hospital")
        SELF = "self", _("Self-referral")
        RELATIVE = "relative", _("A relative")
        OTHER = "other", _("Other")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        WAITING = "waiting", _("On the waiting list")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    OPEN_STATES = (State.RECEIVED, State.WAITING)
    SELF_SOURCES = (Source.SELF, Source.RELATIVE)

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="referrals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    referrer = models.CharField(_("referrer"), max_length=200, blank=True)
    referrer_contact = models.CharField(_("referrer's contact details"), max_length=200, blank=True)
    name = models.CharField(_("name of the person"), max_length=200, blank=True)
    identity_number = models.CharField(_("identity number"), max_length=12, blank=True)
    contact = models.CharField(_("how to reach the person"), max_length=200, blank=True)
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_("The person's contact details are shown only to those allowed."),
    )
    # For a relative seeking support in their own right (a parent at Mini-Maria), at a unit
    # that serves relatives: accepting enrols them as one (`Episode.as_relative`).
    for_relative = models.BooleanField(_("support for a relative"), default=False)
    question = models.TextField(_("question"), max_length=limits.QUESTION_LENGTH)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    received_on = models.DateField(_("received"))
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RECEIVED
    )
    waitlisted_at = models.DateTimeField(_("put on the waiting list"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(
        _("reason for declining"), max_length=limits.TEXT_LENGTH, blank=True
    )
    redirect_unit = models.ForeignKey(
        Unit,
        verbose_name=_("redirected to unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    redirect_to = models.CharField(_("redirected to"), max_length=200, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)

    # Not a column: what accepting did, set by `actions.referral_accept` for the message shown.
    outcome: str

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="accepted", person__isnull=False, episode__isnull=False)
                | (~Q(state="accepted") & Q(person__isnull=True, episode__isnull=True)),
                name="referral_accepted_links_person_and_episode",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["accepted", "declined"], decided_at__isnull=False)
                | Q(state__in=["received", "waiting"], decided_at__isnull=True),
                name="referral_decided_when_decided",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined")
                | (~Q(decline_reason="") & (Q(redirect_unit__isnull=False) | ~Q(redirect_to=""))),
                name="referral_declined_with_reason_and_redirect",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_on__isnull=True) | Q(state="accepted"),
                name="referral_first_contact_only_when_accepted",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "received_on"],
                condition=Q(state__in=["received", "waiting"]),
                name="referral_open_by_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} to {self.unit_id} ({self.received_on})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def came_in_online(self) -> bool:
        """Sent through the unit's public page: nobody registered it."""
        return self.registered_by_id is None

    @property
    def formatted_identity_number(self) -> str:
        n = self.identity_number
        return f"{n[:8]}-{n[8:]}" if n else ""


class Commission(models.Model):
    """A commission (uppdragsbeskrivning) that comes with a referral from social services: what
    social services asks the unit to do, the questions to answer, the period and the contact
    at social services. Part of the referral: read and written through its access rules
    (`selectors.referral_for_reading`)."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="commission")
    task = models.TextField(_("what the unit is asked to do"), max_length=limits.TEXT_LENGTH)
    questions = models.TextField(_("questions to answer"), max_length=limits.TEXT_LENGTH)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    contact = models.CharField(_("contact at social services"), max_length=limits.NAME_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="commission_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"commission of referral {self.referral_id}"
