"""`{% correction_words as words %}`: the words of the correction cell
(`jinja2/contacts/correction_cell.html`, a rows template without text of its own: core/rows.py),
translated once per page."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def correction_words() -> dict[str, str]:
    return {
        "corrected_on": gettext("Corrected on %(date)s by %(who)s"),
        "reason_withheld": gettext("The reason is not shared with your organisation."),
        "earlier_versions": gettext("Earlier versions"),
        "correct": gettext("Correct"),
    }
