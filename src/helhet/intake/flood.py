"""Flood protection for the public self-referral page: a fixed-window count in Django's cache.

Two counters per window: one per sender address, one per unit (so that many addresses together
cannot fill a unit's inbox either). Both read from settings, with defaults:
HELHET_SELF_REFERRAL_PER_ADDRESS (5), HELHET_SELF_REFERRAL_PER_UNIT (100) and
HELHET_SELF_REFERRAL_WINDOW_SECONDS (3600).

The counters live in the `default` cache, which settings.py makes shared by every app process:
Django's database cache (or Redis with HELHET_CACHE_LOCATION). A per-process cache would let
each process count on its own, so that the real limit would be that many times higher. The
address is REMOTE_ADDR, the client's: behind the proxies named in HELHET_TRUSTED_PROXIES,
core.middleware.ClientAddressMiddleware takes it from X-Forwarded-For; from anyone else that
header is ignored, so a sender cannot choose an address. The address is kept only as a hash,
and only for the window.

Another public page counts with its own `Limits` (the survey codes: `surveys/public.py`).
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limits:
    """A public page's counters: their name, the limits per sender and per unit, the window."""

    name: str
    per_address: int
    per_unit: int
    window_seconds: int


def self_referral_limits() -> Limits:
    return Limits(
        "self-referral",
        settings.HELHET_SELF_REFERRAL_PER_ADDRESS,
        settings.HELHET_SELF_REFERRAL_PER_UNIT,
        settings.HELHET_SELF_REFERRAL_WINDOW_SECONDS,
    )


def _keys(request, unit_id: int, limits: Limits | None = None) -> list[tuple[str, int]]:
    """(cache key, limit) of the sender and of the unit, in the current fixed window: the
    window's number is part of the key, so a count never outlives its window."""
    limits = limits or self_referral_limits()
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    window = int(time.time()) // limits.window_seconds
    return [
        (f"helhet:{limits.name}:{window}:address:{digest}", limits.per_address),
        (f"helhet:{limits.name}:{window}:unit:{unit_id}", limits.per_unit),
    ]


def is_flooded(request, unit_id: int, limits: Limits | None = None) -> bool:
    """Has this sender, or the unit as a whole, used up the messages of the current window?"""
    keys = _keys(request, unit_id, limits)
    counts = cache.get_many([key for key, _limit in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def count_message(request, unit_id: int, limits: Limits | None = None) -> None:
    """Count one message (stored or dropped as a robot's) against the sender and the unit."""
    window = (limits or self_referral_limits()).window_seconds
    for key, _limit in _keys(request, unit_id, limits):
        cache.add(key, 0, timeout=window)  # starts the window; a running one is kept
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
        # The database cache's incr is a get and a set with the default timeout (5 minutes):
        # keep the count for the whole window.
        cache.touch(key, timeout=window)
