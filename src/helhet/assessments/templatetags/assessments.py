"""Template helpers for other apps' pages that link to the assessments (no queries)."""

from django import template

from .. import catalogue

register = template.Library()


@register.simple_tag
def assessment_instruments() -> list[tuple[str, str]]:
    """(code, name) of each instrument offered, for links to the entry pages."""
    return [(instrument.code, instrument.name) for instrument in catalogue.instruments()]
