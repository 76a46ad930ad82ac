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
