"""Long tables' rows in Jinja2: `{% rows "<app>/<name>.html" key=value ... %}`.

Django's template language costs about 40 µs a table row of six cells (a lookup tries a
dictionary, an attribute and an index in turn for every dotted name); a week of a unit's
calendar is 200 rows, a page of contacts 50. The rows of those tables are Jinja2 templates
(`<app>/jinja2/<app>/*.html`, the engine named "rows" in `settings.TEMPLATES`), which render
the same HTML about six times faster; the page around them stays a Django template and includes
them with this tag.

A rows template has no text of its own: what it shows in words comes translated from the page
(`{% translate "Booked" as booked %}{% rows ... booked=booked %}`) or from Python, so that
`makemessages` and the catalogue test (which read Django templates and Python) see every
message. The environment (`environment`) has no gettext, escapes everything (autoescape) and
refuses an undefined name (`StrictUndefined`), so a misspelt name fails the page's tests
instead of rendering empty.
"""

from __future__ import annotations

import datetime

import jinja2
from django.template import engines
from django.template.defaultfilters import linebreaksbr as django_linebreaksbr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

ENGINE = "rows"


def minute(value: datetime.datetime | None) -> str:
    """A time as the lists write it, in local time: 2026-03-01 14:05."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def isodate(value: datetime.datetime | None) -> str:
    """A time's local date: 2026-03-01."""
    if value is None:
        return ""
    return timezone.localdate(value).isoformat()


def linebreaksbr(value: str) -> SafeString:
    """Django's `linebreaksbr` (escaped, each line break a <br>)."""
    return mark_safe(django_linebreaksbr(value, autoescape=True))


def environment(**options) -> jinja2.Environment:
    options["undefined"] = jinja2.StrictUndefined
    env = jinja2.Environment(**options)
    env.filters.update(minute=minute, isodate=isodate, linebreaksbr=linebreaksbr)
    return env


def render(name: str, context: dict) -> SafeString:
    """The rows template NAME with CONTEXT, as HTML to put into a page."""
    return mark_safe(engines[ENGINE].get_template(name).render(context))
