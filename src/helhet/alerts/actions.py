"""Writes on warnings: add one, end one. Atomic, logged in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what

from .models import Alert


@transaction.atomic
def alert_add(*, actor: Actor, access: PersonAccess, kind: str, text: str) -> Alert:
    """Add a warning about the person at the actor's unit, owned by the actor's organisation."""
    if kind not in Alert.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of warning from the list.")})
    if not text.strip():
        raise ValidationError({"text": _("Say in a few words what the team needs to know.")})
    alert = Alert.objects.create(
        person=access.person,
        organisation_id=actor.organisation_id,
        unit=actor.active_unit,
        kind=kind,
        text=text.strip(),
        added_by=actor.user,
    )
    record_access(actor, access, action="create", what=what("warning added", alert.kind))
    return alert


@transaction.atomic
def alert_end(*, actor: Actor, access: PersonAccess, alert_id: int) -> Alert:
    """End a warning of the actor's organisation at the actor's unit. The row is locked, so
    that two ends cannot both pass; the second is told how the first was made."""
    alert = Alert.objects.select_for_update().get(
        pk=alert_id,
        person=access.person,
        organisation_id=actor.organisation_id,
        unit=actor.active_unit,
    )
    if alert.ended_on is not None:
        raise ValidationError(
            _("This warning has already been ended: on %(date)s by %(user)s.")
            % {"date": alert.ended_on, "user": alert.ended_by or "–"}
        )
    alert.ended_on, alert.ended_by = timezone.localdate(), actor.user
    alert.save(update_fields=["ended_on", "ended_by"])
    record_access(actor, access, action="update", what=what("warning ended", alert.kind))
    return alert
