"""`{{ value|day }}`: one date (or the local date of a datetime) as the pages write it,
machine-readable and never broken at its hyphens: <time datetime="2026-03-01" class="nowrap">.
A filter, not an include: the person pages write dozens of dates, and an include costs more
than the rest of such a line."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def day(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    text = value.isoformat()
    return format_html('<time datetime="{}" class="nowrap">{}</time>', text, text)
