"""`{% rows "<app>/<name>.html" key=value ... %}`: a long table's rows, rendered by Jinja2
(`core/rows.py` says why and what a rows template may hold)."""

from django import template
from django.utils.safestring import SafeString

from helhet.core import rows as rows_engine

register = template.Library()


@register.simple_tag
def rows(name: str, **context) -> SafeString:
    return rows_engine.render(name, context)
