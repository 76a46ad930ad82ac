"""`{% person_header %}`: the person header of `base.html`, on every page whose context has
the `PersonAccess` of the person it is about (`access`)."""

from django import template

from helhet.access.policy import PersonAccess

register = template.Library()


@register.inclusion_tag("people/header.html", takes_context=True)
def person_header(context):
    access = context.get("access")
    if not isinstance(access, PersonAccess):  # a page about no one person
        return {"header": None}
    # Only a header read before the page's log row (`header.read_header`, `policy.PAGE_READS`)
    # is shown: what it discloses is in that row. A page whose row did not read it (an htmx
    # request, as the client says) shows none rather than an unlogged one.
    found = access.page.get("header")
    return {"header": found, "request": context.get("request")}
