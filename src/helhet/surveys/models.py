"""Survey answers, anonymous by construction, the ways in (kiosks and one-time codes), and the
user-influence routines (user council meetings and proposals).

A `Response` names no person, no user and no address: only the unit, the questionnaire and its
version, the month (the first day of it: a day would tie an answer to a visit), the channel and
the answers. Nothing else points at it: a kiosk or a code that let it in is not linked to it.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.models import Unit, User

from . import questionnaires

QUESTIONNAIRES = [("persons", _("Persons")), ("relatives", _("Relatives"))]
assert [code for code, _label in QUESTIONNAIRES] == list(questionnaires.CODES)


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("Tablet at the unit")
    CODE = "code", _("One-time code")
    PAPER = "paper", _("Paper, entered by staff")


class CommentState(models.TextChoices):
    NONE = "none", _("No comment")
    WAITING = "waiting", _("Waiting for review")
    CLEARED = "cleared", _("Cleared")
    REJECTED = "rejected", _("Rejected")


class Response(models.Model):
    """One filled-in questionnaire."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.CharField(_("questionnaire"), max_length=20, choices=QUESTIONNAIRES)
    version = models.CharField(max_length=20)
    month = models.DateField(_("month"))  # its first day
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The comment as written until reviewed; then as cleared (edited), or emptied when rejected.
    comment = models.TextField(_("comment"), max_length=limits.TEXT_LENGTH, blank=True)
    comment_state = models.CharField(
        max_length=10, choices=CommentState.choices, default=CommentState.NONE
    )

    class Meta:
        verbose_name = _("survey response")
        indexes = [models.Index(fields=["unit", "questionnaire", "month"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="response_month_first")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.month:%Y-%m} ({self.channel})"


class ResponseItem(models.Model):
    """The answer to one question (questions left out have none)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="items")
    question = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(9)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="response_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


class Kiosk(models.Model):
    """A tablet at the unit, started by its staff: the device's session holds the token (only its
    hash kept here) until it is stopped or ends."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.CharField(max_length=20, choices=QUESTIONNAIRES)
    token_hash = models.CharField(max_length=64, unique=True)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.questionnaire} @ {self.unit_id}"


class SurveyCode(models.Model):
    """A one-time code handed out at a visit: only its hash kept, not who got it, not when."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.CharField(max_length=20, choices=QUESTIONNAIRES)
    code_hash = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField()
    used = models.BooleanField(default=False)

    code: str  # the code itself, set by `actions.code_issue` for the slip only: never stored

    def __str__(self) -> str:
        return f"{self.questionnaire} @ {self.unit_id} until {self.expires_on}"


class ParticipantGroup(models.TextChoices):
    PERSONS = "persons", _("Persons in support at the unit")
    RELATIVES = "relatives", _("Relatives")
    USER_ORGANISATIONS = "user_organisations", _("User and relatives' organisations")
    STAFF = "staff", _("Staff of the unit")
    MANAGEMENT = "management", _("Managers of the parties")


class CouncilMeeting(models.Model):
    """A user council meeting (brukarråd): who took part as groups, never names."""

    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("units"))
    held_on = models.DateField(_("date"), validators=[limits.PAST])
    groups = models.JSONField(_("who took part"), default=list)  # ParticipantGroup values
    participants = models.CharField(
        _("how many took part"), max_length=limits.NAME_LENGTH, blank=True
    )
    notes = models.TextField(_("notes"), max_length=limits.NOTE_LENGTH, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=0)  # no lost update (core/versions.py)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return str(self.held_on)


class Proposal(models.Model):
    """A proposal from the users (at a council meeting or otherwise) and the unit's answer."""

    class Decision(models.TextChoices):
        WAITING = "waiting", _("Not answered yet")
        ACCEPTED = "accepted", _("Accepted")
        PARTLY = "partly", _("Partly accepted")
        DECLINED = "declined", _("Declined")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(
        CouncilMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    raised_on = models.DateField(_("raised on"), validators=[limits.PAST])
    from_group = models.CharField(
        _("from"), max_length=20, choices=ParticipantGroup.choices, default=ParticipantGroup.PERSONS
    )
    text = models.TextField(_("proposal"), max_length=limits.TEXT_LENGTH)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.WAITING
    )
    answer = models.TextField(_("answer"), max_length=limits.TEXT_LENGTH, blank=True)
    answered_by = models.CharField(
        _("answered by (function)"), max_length=limits.NAME_LENGTH, blank=True
    )
    answered_on = models.DateField(
        _("answered on"), null=True, blank=True, validators=[limits.PAST]
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # no lost update of what was proposed (core/versions.py); the answer's fields are not counted
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-raised_on", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]
