"""Reads of warnings: those in force that the user may read, for the person header."""

from django.http import Http404

from helhet.access.policy import PersonAccess

from .models import Alert


def active_alerts(access: PersonAccess) -> list[Alert]:
    """The person's warnings in force that USER may read, each as a record of the category its
    kind reveals, kept at its unit (`models.CATEGORY_OF_KIND`), oldest first, each with
    `may_end`. One query, none when the person has no warning in force (`access.present`)."""
    if "alerts" not in access.present:
        return []
    alerts = (
        Alert.objects.filter(person=access.person, ended_on__isnull=True)
        .select_related("unit")
        .only("kind", "text", "organisation_id", "unit__name", "added_at", "person_id")
        .order_by("added_at", "pk")
    )
    by_category: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_category.setdefault(alert.category, []).append(alert)
    readable = {
        alert.pk
        for category, some in by_category.items()
        for alert in access.readable(some, category=category, unit=lambda a: a.unit_id)
    }
    shown = [alert for alert in alerts if alert.pk in readable]
    for alert in shown:
        alert.may_end = (
            alert.organisation_id == access.user.organisation_id
            and access.unit_id == alert.unit_id
            and access.may_act_at(alert.unit_id)
        )
    return shown


def alert_for_ending(access: PersonAccess, alert_id: int) -> Alert:
    """A warning in force that USER may end at the active unit (their organisation's, kept
    there); else Http404, as for one that does not exist."""
    for alert in active_alerts(access):
        if alert.pk == alert_id and alert.may_end:
            return alert
    raise Http404
