"""Template helpers for rendering form fields accessibly (see templates/includes/field.html)."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def control(field: BoundField) -> str:
    """The field's input, never with autofocus.

    Focus that jumps into a field on page load skips the skip link and the page's heading, so
    keyboard and screen-reader users start in the middle of the page (WCAG 2.4.1, 2.4.3);
    Django's login form sets autofocus on the user name. Django adds aria-invalid and
    aria-describedby (help text `<id>_helptext`, errors `<id>_error`) itself.
    """
    if field.field.widget.attrs.get("autofocus"):
        return field.as_widget(attrs={"autofocus": False})
    return str(field)
