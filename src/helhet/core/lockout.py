"""The login lockout (django-axes), counted per user name and per address, each on its own.

Axes keeps one count of failures per lockout parameter (AXES_LOCKOUT_PARAMETERS =
["username", "ip_address"]) but compares only the larger of them with one limit. The two limits
may differ (many staff behind one hospital address mistype their passwords now and then), so
the limit axes is given is chosen here: the one a count has reached, else one no count has.
"""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def failure_limit(request, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: per user name HELHET_LOGIN_FAILURE_LIMIT failures (from any
    address), per address HELHET_LOGIN_ADDRESS_FAILURE_LIMIT (with any user names)."""
    per_name = settings.HELHET_LOGIN_FAILURE_LIMIT
    per_address = settings.HELHET_LOGIN_ADDRESS_FAILURE_LIMIT
    by_name, by_address = (
        attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        for attempts in AxesDatabaseHandler().get_user_attempts(request, credentials)
    )
    if by_name >= per_name:
        return per_name
    if by_address >= per_address:
        return per_address
    # Neither reached: a limit above both counts (each is below its own limit).
    return max(per_name, per_address)


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page that says what happened and when to try again (the
    cool-off runs from the last failed attempt)."""
    cool_off = datetime.timedelta(minutes=settings.HELHET_LOGIN_COOLOFF_MINUTES)
    context = {
        "minutes": settings.HELHET_LOGIN_COOLOFF_MINUTES,
        "try_again_at": timezone.localtime() + cool_off,
    }
    return render(request, "registration/locked_out.html", context, status=429)
