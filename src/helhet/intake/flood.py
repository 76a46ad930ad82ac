"""Flood protection for the public self-referral page: a fixed-window count in Django's cache.

Two counters per window: one per sender address, one per unit (so that many addresses together
cannot fill a unit's inbox either). Both read from settings, with defaults:
HELHET_SELF_REFERRAL_PER_ADDRESS (5), HELHET_SELF_REFERRAL_PER_UNIT (100) and
HELHET_SELF_REFERRAL_WINDOW_SECONDS (3600).

The counters live in the `default` cache, which settings.py makes shared by every app process:
Django's database cache (or Redis with HELHET_CACHE_LOCATION). A per-process cache would let
each process count on its own, so that the real limit would be that many times higher. The
address is REMOTE_ADDR: behind a proxy that must be the client's address (set by the proxy or
its WSGI middleware), never a header the client can write. The address is kept only as a hash,
and only for the window.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _keys(request, unit_id: int) -> list[tuple[str, int]]:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return [
        (f"helhet:self-referral:address:{digest}", _limit("HELHET_SELF_REFERRAL_PER_ADDRESS", 5)),
        (f"helhet:self-referral:unit:{unit_id}", _limit("HELHET_SELF_REFERRAL_PER_UNIT", 100)),
    ]


def is_flooded(request, unit_id: int) -> bool:
    """Has this sender, or the unit as a whole, used up the messages of the current window?"""
    counts = cache.get_many([key for key, _limit in _keys(request, unit_id)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(request, unit_id))


def count_message(request, unit_id: int) -> None:
    """Count one message (stored or dropped as a robot's) against the sender and the unit."""
    window = _limit("HELHET_SELF_REFERRAL_WINDOW_SECONDS", 3600)
    for key, _limit_value in _keys(request, unit_id):
        cache.add(key, 0, timeout=window)  # starts the window; a running one is kept
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
