"""Access changes are security events: who may reach what is written into the access log.

Creating, changing or deleting a user (activation, staff and superuser flags, employer, e-mail,
password — never its value), a membership (user, unit, role), a unit (name, access mode, the
organisations that run it), an organisation or a steering group (its units and members) writes a
sealed row with action "security": user = who made the change, organisation = each organisation
whose access changed (one row each), unit = the unit concerned, person none; `what` names the
change, old → new.

Why model signals and not the admin's save hooks: a signal sees every path that saves these
models — the admin, `createsuperuser`, the shell, any page added later — so an access change
cannot leave the log by being made elsewhere. QuerySet.update() and bulk_create send no signals:
Helhet uses neither on these models.

Who made the change: the signed-in user of the request (`ActorMiddleware`), or the user named by
`acting_as` (the person setting their own password through a reset link); else — a management
command, the shell — the system user `helhet-system` (no organisation, inactive, no usable
password), with the command named in the detail.
"""

import contextlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from helhet.core.models import Membership, Organisation, Unit, User
from helhet.followup.models import SteeringGroup

from . import log
from .models import AccessLogEntry, Basis
from .what import what

SYSTEM_USERNAME = "helhet-system"

# The request being served (set by ActorMiddleware), a user named explicitly, and a switch for
# the tests' reference data.
_request: ContextVar = ContextVar("access_change_request", default=None)
_named_actor: ContextVar = ContextVar("access_change_actor", default=None)
_unlogged: ContextVar[bool] = ContextVar("access_changes_unlogged", default=False)
# Each saved instance's tracked values before the save (pre_save → post_save, one thread).
_local = threading.local()


@dataclass(frozen=True)
class Tracked:
    """What is logged of one model: its name in the log phrases and the fields that matter."""

    name: str
    fields: tuple[str, ...]


TRACKED: dict[type[models.Model], Tracked] = {
    User: Tracked(
        "user",
        (
            "username",
            "email",
            "hsa_id",
            "organisation",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ),
    ),
    Membership: Tracked("membership", ("user", "unit", "role")),
    Unit: Tracked("unit", ("name", "slug", "access_mode", "calendar_feed_shows_names")),
    Organisation: Tracked("organisation", ("name", "kind", "organisation_number")),
    SteeringGroup: Tracked("steering group", ("name",)),
    # A user's second factor (core/mfa/): an authenticator app, recovery codes, a passkey. Never
    # their keys or codes.
    TOTPDevice: Tracked("second factor", ("user", "name", "confirmed")),
    StaticDevice: Tracked("second factor", ("user", "name", "confirmed")),
    WebAuthnCredential: Tracked("second factor", ("user", "name", "confirmed")),
}
# Fields whose change is named but whose value never is.
SECRET = frozenset({"password"})
# Fields the label already names (`_label`).
NAMED = frozenset({"username", "name", "user", "unit"})
# The many-to-many links that change access: their owner model and field.
LINKS = {
    User.groups.through: (User, "groups"),
    User.user_permissions.through: (User, "user_permissions"),
    Unit.organisations.through: (Unit, "organisations"),
    SteeringGroup.units.through: (SteeringGroup, "units"),
    SteeringGroup.members.through: (SteeringGroup, "members"),
}


@dataclass(frozen=True)
class Event:
    """One access change: the log text and the organisations and unit it concerns."""

    text: str
    organisation_ids: frozenset[int | None]
    unit_id: int | None = None


# --- who acts ---------------------------------------------------------------------------


class ActorMiddleware:
    """Lets an access change made during this request name the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """Access changes made inside name USER (e.g. the person who follows a reset link)."""
    token = _named_actor.set(user)
    try:
        yield
    finally:
        _named_actor.reset(token)


@contextlib.contextmanager
def unlogged() -> Iterator[None]:
    """Access changes made inside are not logged: only for the tests' reference data (the
    tests that are about these events turn it off) and for creating the system user."""
    token = _unlogged.set(True)
    try:
        yield
    finally:
        _unlogged.reset(token)


def system_user() -> User:
    """The user that rows name when no one signed in made the change."""
    with unlogged():
        user, _created = User.objects.get_or_create(
            username=SYSTEM_USERNAME,
            defaults={
                "first_name": "Helhet",
                "last_name": "(system)",
                "is_active": False,
                "password": make_password(None),
            },
        )
    return user


def _actor() -> tuple[log.Actor, str]:
    """Who makes the change, and a note for the detail when it is the system user."""
    request = _request.get()
    request_id = getattr(request, "request_id", "")
    if (named := _named_actor.get()) is not None:
        return log.Actor(named, request_id=request_id), ""
    if request is not None and request.user.is_authenticated:
        return log.Actor(request.user, request_id=request_id), ""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    program = "django-admin" if program == "__main__.py" else program
    command = " ".join([program, *sys.argv[1:2]]).strip()
    return log.Actor(system_user(), request_id=request_id), f" · via {command}" if command else ""


def record(events: Iterable[Event]) -> list[AccessLogEntry]:
    """Write EVENTS as sealed security rows, one per organisation concerned."""
    events = list(events)
    if not events or _unlogged.get():
        return []
    actor, via = _actor()
    entries = [
        log.entry_for(
            log.Actor(
                actor.user, Unit(pk=event.unit_id) if event.unit_id else None, actor.request_id
            ),
            person=None,
            action=AccessLogEntry.Action.SECURITY,
            what=event.text + via,
            basis=Basis.NONE,
            organisation_id=organisation_id,
        )
        for event in events
        for organisation_id in sorted(event.organisation_ids, key=lambda pk: pk or 0)
    ]
    return log.append(entries)


# --- what changed -----------------------------------------------------------------------


def _value(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.is_relation:
        related = getattr(instance, name)
        return "-" if related is None else _label(related)
    return str(getattr(instance, name))


def _values(instance: models.Model) -> dict[str, str]:
    return {name: _value(instance, name) for name in TRACKED[type(instance)].fields}


def _changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [
        name if name in SECRET else f"{name} {before[name]} → {after[name]}"
        for name in after
        if before[name] != after[name]
    ]


def _label(instance: models.Model) -> str:
    """INSTANCE named in the log: by stable, untranslated fields and its id."""
    if isinstance(instance, User):
        return f"{instance.username} (id {instance.pk})"
    if isinstance(instance, Membership):
        return f"{instance.user.username} @ {instance.unit.name} (id {instance.pk})"
    if isinstance(instance, Device):
        kind = instance._meta.model_name
        return f"{instance.user.username}: {kind} {instance.name!r} (id {instance.pk})"
    return f"{instance} (id {instance.pk})"


def _organisations(instance: models.Model) -> set[int | None]:
    """The organisations whose access INSTANCE decides."""
    if isinstance(instance, User):
        return {instance.organisation_id}
    if isinstance(instance, Membership | Device):  # the user's organisation
        return {
            User.objects.filter(pk=instance.user_id).values_list("organisation", flat=True).first()
        }
    if isinstance(instance, Organisation):
        return {instance.pk}
    if isinstance(instance, Unit):
        return set(instance.organisations.values_list("pk", flat=True))
    if isinstance(instance, SteeringGroup):
        organisations: set[int | None] = set(
            Organisation.objects.filter(units__steering_groups=instance).values_list(
                "pk", flat=True
            )
        )
        return organisations | set(instance.members.values_list("organisation", flat=True))
    return set()


def _unit_id(instance: models.Model) -> int | None:
    if isinstance(instance, Unit):
        return instance.pk
    if isinstance(instance, Membership):
        return instance.unit_id
    return None


def _event(
    instance: models.Model,
    verb: str,
    detail: str,
    also: Iterable[int | None] = (),
    unit_id: int | None = None,
) -> Event:
    organisations = (_organisations(instance) | set(also)) - {None} or {None}
    name = TRACKED[type(instance)].name
    unit_id = unit_id or _unit_id(instance)
    return Event(what(f"{name} {verb}", detail), frozenset(organisations), unit_id)


# --- the signals ------------------------------------------------------------------------


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or _unlogged.get() or instance._state.adding or instance.pk is None:
        return
    tracked = TRACKED[sender].fields
    if update_fields is not None and not set(update_fields) & set(tracked):
        return  # e.g. last_login on each login
    old = sender._default_manager.filter(pk=instance.pk).first()
    if old is not None:
        _saved_before()[(sender, instance.pk)] = (
            _values(old),
            _organisations(old),
            _unit_id(old),
        )


def _saved_before() -> dict:
    if not hasattr(_local, "before"):
        _local.before = {}
    return _local.before


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or _unlogged.get():
        return
    saved = None if created else _saved_before().pop((sender, instance.pk), None)
    if not created and saved is None:
        return  # a save that changes no tracked field (last_login on each login): no reads
    after = _values(instance)
    if created:
        shown = "; ".join(f"{n} {v}" for n, v in after.items() if n not in SECRET | NAMED)
        record([_event(instance, "created", f"{_label(instance)}: {shown}")])
        return
    assert saved is not None
    before, organisations_before, unit_before = saved
    if changes := _changes(before, after):
        detail = f"{_label(instance)}: {'; '.join(changes)}"
        # A membership moved to another unit is an access change at both units.
        units = dict.fromkeys([_unit_id(instance), unit_before])
        record(_event(instance, "changed", detail, organisations_before, u) for u in units)


def _before_delete(sender, instance, **kwargs):
    # Before, while the links that name the organisations concerned still exist; the row is
    # written in the deletion's transaction, so it goes if the deletion fails.
    if not _unlogged.get():
        record([_event(instance, "deleted", _label(instance))])


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if _unlogged.get() or sender not in LINKS:
        return
    owner_model, field = LINKS[sender]
    if action == "pre_clear":
        _saved_before()[(sender, "clear", instance.pk)] = _linked_ids(
            sender, owner_model, field, instance, reverse
        )
        return
    if action == "post_clear":
        pk_set = _saved_before().pop((sender, "clear", instance.pk), set())
    elif action not in ("post_add", "post_remove"):
        return
    if not pk_set:
        return
    sign = "+" if action == "post_add" else "−"
    others = list(model._default_manager.filter(pk__in=pk_set))
    if reverse:  # e.g. organisation.units.add(unit): INSTANCE is on the other side
        pairs = [(owner, [instance]) for owner in others]
    else:
        pairs = [(instance, others)]
    record(
        _event(
            owner,
            "changed",
            f"{_label(owner)}: {field} {sign} {', '.join(_label(r) for r in related)}",
            _related_organisations(related),
        )
        for owner, related in pairs
    )


def _linked_ids(through, owner_model, field, instance, reverse) -> set[int]:
    """The ids linked to INSTANCE through THROUGH (before a clear)."""
    link = owner_model._meta.get_field(field)
    mine, theirs = link.m2m_field_name(), link.m2m_reverse_field_name()
    if reverse:
        mine, theirs = theirs, mine
    return set(through.objects.filter(**{mine: instance.pk}).values_list(theirs, flat=True))


def _related_organisations(related: list[models.Model]) -> set[int | None]:
    organisations: set[int | None] = set()
    for other in related:
        if isinstance(other, (User, Unit, Organisation)):
            organisations |= _organisations(other)
    return organisations


def connect() -> None:
    """Connect the handlers (AccessConfig.ready)."""
    for model in TRACKED:
        uid = f"access-security-{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
    for through in LINKS:
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=f"access-security-{through._meta.label}"
        )
