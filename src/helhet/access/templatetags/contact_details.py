"""`{% contact_details subject [access] %}`: a subject's contact details, or that they are
hidden, as dt/dd pairs inside the page's `<dl>`; the rule is `access.contact_details`."""

from django import template

from helhet.access import contact_details as details

register = template.Library()


@register.inclusion_tag("access/contact_details.html", takes_context=True)
def contact_details(context, subject, access=None):
    """SUBJECT: the page's `PersonAccess`, or a referral (with the person ACCESS when linked)."""
    roles = details.roles_of(context.get("request"))
    return {"details": details.contact_details(subject, roles=roles, access=access)}
