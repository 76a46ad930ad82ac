"""`{% person_header %}`: the person header of `base.html`, on every page whose context has
the `PersonAccess` of the person it is about (`access`)."""

from django import template

from helhet.access.policy import PersonAccess

from ..header import person_header as build

register = template.Library()


@register.inclusion_tag("people/header.html", takes_context=True)
def person_header(context):
    access = context.get("access")
    if not isinstance(access, PersonAccess):  # a page about no one person
        return {"header": None}
    # Read before the page's log row (`header.read_header`); a page that logged none reads it here.
    found = access.page.get("header") or build(access)
    return {"header": found, "request": context.get("request")}
