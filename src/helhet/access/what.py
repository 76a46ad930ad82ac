"""What an access-log row says was read or changed, stored in English and shown translated.

The log is an audit record, so the stored text never changes. It is a phrase from WHAT,
optionally followed by ": " and a detail (a unit's name, a number, what changed, the page
refused). `describe` shows it in the reader's language, for every page that shows a row (the
log extract, the log review): the changed fields of a person or relative by their models'
verbose names, a refused page by its description in PAGES, a refusal's fixed reasons from
DETAILS; text that is not in the catalogue (a name, a number, an older row's field) is shown
as it was stored.
"""

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WHAT = {
    # people
    "overview": _("overview"),
    "history": _("full history"),
    "search": _("search results"),
    "relative": _("relative"),
    "relative form": _("relative form"),
    "person registered": _("person registered"),
    "person edit form": _("form to change the person's details"),
    "person details changed": _("person's details changed"),
    "relative edit form": _("form to change a relative's details"),
    "relative changed": _("relative's details changed"),
    "change history": _("history of changed details"),
    "recently opened": _("recently opened (start page)"),
    # care
    "caseload": _("caseload"),
    "episode opened": _("episode opened"),
    "episode closed": _("episode closed"),
    "episode reactivated": _("episode reactivated"),
    "episode form": _("episode form"),
    "episode close form": _("episode close form"),
    "episode reactivation form": _("episode reactivation form"),
    "case team": _("case team"),
    # access
    "consent recorded": _("consent recorded"),
    "consent withdrawn": _("consent withdrawn"),
    "consent form": _("consent form"),
    "consent withdrawal form": _("consent withdrawal form"),
    "consent printout": _("consent form to sign"),
    "consent pdf": _("consent form to sign (PDF)"),
    "emergency access taken": _("emergency access taken"),
    "emergency access: no match": _("emergency access: no match"),
    "emergency access reviewed": _("emergency access reviewed"),
    "log review": _("log review"),
    "log rows marked reviewed": _("log rows marked reviewed"),
    "log extract": _("log extract"),
    "blocks": _("blocks"),
    "block recorded": _("block recorded"),
    "block lift form": _("block lift form"),
    "block lifted": _("block lifted"),
    "blocks at the unit": _("blocks in force at the unit"),
    "unit block lift form": _("block lift form (the unit's blocks)"),
    # access changes (security events, access/security.py)
    "user created": _("user created"),
    "user changed": _("user changed"),
    "user deleted": _("user deleted"),
    "membership created": _("membership created"),
    "membership changed": _("membership changed"),
    "membership deleted": _("membership deleted"),
    "unit created": _("unit created"),
    "unit changed": _("unit changed"),
    "unit deleted": _("unit deleted"),
    "organisation created": _("organisation created"),
    "organisation changed": _("organisation changed"),
    "organisation deleted": _("organisation deleted"),
    "steering group created": _("steering group created"),
    "steering group changed": _("steering group changed"),
    "steering group deleted": _("steering group deleted"),
    "password link sent": _("link to set the password sent"),
    # the second factor's devices (core/mfa/): set up, confirmed, removed or reset
    "second factor created": _("second factor created"),
    "second factor changed": _("second factor changed"),
    "second factor deleted": _("second factor deleted"),
    # refused requests (access/refusals.py): the detail names the URL
    "request refused": _("request refused"),
    "registration refused": _("registration refused"),
    "referral acceptance refused": _("referral acceptance refused"),
    # an episode nobody else decided on (care.Episode.OpenedThrough.SELF)
    "episode opened without a referral": _("episode opened by the user without a referral"),
    # intake
    "referral inbox": _("referral inbox"),
    "referral meeting": _("referral meeting"),
    "referrals": _("referrals"),
    "referral": _("referral"),
    "referral registered": _("referral registered"),
    "referral put on the waiting list": _("referral put on the waiting list"),
    "referral declined": _("referral declined"),
    "referral accepted": _("referral accepted"),
    "referral decline form": _("referral decline form"),
    "commission": _("commission of a referral from social services recorded"),
    "commission form": _("commission form"),
    "referral accept form": _("referral accept form"),
    # assessments
    "assessments": _("assessments"),
    "latest assessments": _("latest assessments"),
    "assessment recorded": _("assessment recorded"),
    "assessment form": _("assessment form"),
    "assessment corrected": _("assessment corrected"),
    "assessment correction form": _("assessment correction form"),
    # outcomes
    "outcomes": _("outcomes"),
    "latest outcome": _("latest outcome"),
    "outcome recorded": _("outcome recorded"),
    "outcome form": _("outcome form"),
    "outcome corrected": _("outcome corrected"),
    "outcome correction form": _("outcome correction form"),
    # contacts
    "contacts": _("contacts"),
    "latest contacts": _("latest contacts"),
    "contact recorded": _("contact recorded"),
    "contact form": _("contact form"),
    "medication": _("drug tests and medication"),
    "drug test recorded": _("drug test recorded"),
    "drug test form": _("drug test form"),
    "dispensing recorded": _("medication dispensing recorded"),
    "dispensing form": _("dispensing form"),
    "contact corrected": _("contact corrected"),
    "contact correction form": _("contact correction form"),
    "drug test corrected": _("drug test corrected"),
    "drug test correction form": _("drug test correction form"),
    "dispensing corrected": _("medication dispensing corrected"),
    "dispensing correction form": _("dispensing correction form"),
    "contact versions": _("contact and its earlier versions"),
    "drug test versions": _("drug test and its earlier versions"),
    "dispensing versions": _("dispensing and its earlier versions"),
    # plans
    "sip": _("SIP"),
    "sip form": _("SIP form"),
    "sip version saved": _("SIP version saved"),
    "sip meeting form": _("SIP meeting form"),
    "sip meeting recorded": _("SIP meeting recorded"),
    "sip printout": _("SIP printout"),
    "sip pdf": _("SIP PDF"),
    "treatment plans": _("treatment plans"),
    "treatment plan form": _("treatment plan form"),
    "treatment plan saved": _("treatment plan saved"),
    # /plans
    # reminders
    "tasks": _("my tasks"),
    "waiting referrals": _("waiting referrals (my tasks)"),
    # /reminders
    # timeline
    "timeline": _("timeline"),
    "latest timeline": _("latest timeline"),
    # /timeline
    # conference
    "conference board": _("team conference board"),
    "conference": _("team conference"),
    "conference minutes": _("team conference minutes"),
    "conference minutes pdf": _("team conference minutes PDF"),
    "conference item form": _("team conference item form"),
    "conference item": _("team conference item"),
    "conference item added": _("put on the team conference"),
    "conference decision": _("team conference decision recorded"),
    "conference item postponed": _("team conference item postponed"),
    "conference item moved": _("team conference item moved"),
    # /conference
    # alerts: the warnings of the person header
    "warning added": _("warning added"),
    "warning ended": _("warning ended"),
    "warning form": _("warning form"),
    "warning end form": _("warning end form"),
    # /alerts
    # governance: a deviation between the authorities about a person
    "deviation": _("deviation between the authorities"),
    "deviation form": _("deviation form"),
    "deviation reported": _("deviation reported"),
    # governance: a dispute between the authorities about a person
    "dispute": _("dispute between the authorities"),
    "dispute form": _("dispute form"),
    "dispute raised": _("dispute raised"),
    "consultation": _("consultation between the authorities"),
    "consultation form": _("consultation form"),
    "consultation asked": _("consultation asked"),
    # /governance
    # bookings (the calendar)
    "bookings": _("bookings"),
    "booking form": _("booking form"),
    "booking made": _("booking made"),
    "booking cancel form": _("booking cancel form"),
    "booking cancelled": _("booking cancelled"),
    "booking moved": _("booking moved"),
    "booking changed": _("booking changed"),
    "booking moved with its group session": _("booking moved with its group session"),
    "booking cancelled at closure": _("booking cancelled at closure"),
    "calendar": _("calendar"),
    "calendar feed": _("calendar feed"),
    "group session participants": _("group session participants"),
    "todays bookings": _("today's bookings"),
    "appointment reminder sent": _("appointment reminder sent"),
    # /bookings
}


# Phrases whose detail is the model's field names that changed ("address, postal_code"):
# shown by the fields' verbose names.
FIELDS_OF = {
    "person details changed": ("people", "Person"),
    "relative changed": ("people", "Relative"),
}

# Phrases whose detail begins with the URL name of the page asked for (`access/refusals.py`),
# then, after ", ", what the refusal adds (DETAILS, NO_PERSON).
URL_NAMED = frozenset({"request refused"})

# What each page is, by its URL name, for a refused row: every person URL has one (a test
# walks the URL patterns), and so do the unit pages that refuse a person (a referral's, the
# unit's blocks).
PAGES = {
    "people:overview": _("overview"),
    "people:history": _("full history"),
    "people:edit": _("form to change the person's details"),
    "people:changes": _("history of changed details"),
    "people:relative_add": _("form to add a relative"),
    "people:relative_edit": _("form to change a relative's details"),
    "care:episode_open": _("episode form"),
    "care:episode_close": _("episode close form"),
    "care:episode_reactivate": _("episode reactivation form"),
    "care:case_team_add": _("case team form"),
    "access:consent_new": _("consent form"),
    "access:consent_withdraw": _("consent withdrawal form"),
    "access:consent_print": _("consent form to sign"),
    "access:consent_pdf": _("consent form to sign (PDF)"),
    "access:blocks": _("blocks"),
    "access:block_lift": _("block lift form"),
    "access:log_extract": _("log extract"),
    "access:unit_blocks": _("blocks in force at the unit"),
    "access:unit_block_lift": _("block lift form (the unit's blocks)"),
    "intake:person_referrals": _("referrals"),
    "intake:detail": _("referral"),
    "intake:accept": _("referral accept form"),
    "intake:decline": _("referral decline form"),
    "intake:wait": _("referral put on the waiting list"),
    "assessments:history": _("assessments"),
    "assessments:latest": _("latest assessments"),
    "assessments:new": _("assessment form"),
    "assessments:correct": _("assessment correction form"),
    "outcomes:list": _("outcomes"),
    "outcomes:latest": _("latest outcome"),
    "outcomes:new": _("outcome form"),
    "outcomes:correct": _("outcome correction form"),
    "contacts:list": _("contacts"),
    "contacts:new": _("contact form"),
    "contacts:latest": _("latest contacts"),
    "contacts:medication": _("drug tests and medication"),
    "contacts:drug_test_new": _("drug test form"),
    "contacts:dispensing_new": _("dispensing form"),
    "contacts:contact_correct": _("contact correction form"),
    "contacts:contact_versions": _("contact and its earlier versions"),
    "contacts:drug_test_correct": _("drug test correction form"),
    "contacts:drug_test_versions": _("drug test and its earlier versions"),
    "contacts:dispensing_correct": _("dispensing correction form"),
    "contacts:dispensing_versions": _("dispensing and its earlier versions"),
    "bookings:person": _("bookings"),
    "bookings:new": _("booking form"),
    "bookings:cancel": _("booking cancel form"),
    "bookings:rebook": _("form to move a booking"),
    "bookings:edit": _("form to change a booking"),
    "bookings:attended": _("booking marked as attended"),
    "bookings:no_show": _("booking marked as a no-show"),
    "plans:sip": _("SIP"),
    "plans:sip_new": _("SIP form"),
    "plans:sip_meeting_new": _("SIP meeting form"),
    "plans:sip_print": _("SIP printout"),
    "plans:sip_pdf": _("SIP PDF"),
    "plans:plans": _("treatment plans"),
    "plans:plan_edit": _("treatment plan form"),
    "timeline:page": _("timeline"),
    "timeline:latest": _("latest timeline"),
    "alerts:new": _("warning form"),
    "alerts:end": _("warning end form"),
    "conference:person_add": _("form to put the person on the team conference"),
    "conference:item": _("team conference item"),
    "governance:person_deviation_new": _("deviation form"),
    "governance:person_dispute_new": _("dispute form"),
    "governance:person_consultation_new": _("consultation form"),
}

# What a refused row adds when the person was found but the page still answered "not found".
AFTER_FOUND = "after the person was found"

# Fixed details: the reasons of a refused registration or acceptance (`people.actions`), and
# what a refused page's row adds (`access/refusals.py`).
DETAILS = {
    "outside the target group": _("outside the target group"),
    "an open episode at the unit": _("an open episode at the unit"),
    "number already registered, the person is visible to the user": _(
        "number already registered, the person is visible to the user"
    ),
    AFTER_FOUND: _("after the person was found"),
}
NO_PERSON = re.compile(r"no person with id (\d+)")


def no_person(person_id: object) -> str:
    """A refused row's detail for an id that no person has (NO_PERSON reads it)."""
    return f"no person with id {person_id}"


def what(phrase: str, detail: object = None) -> str:
    """The stored text for PHRASE (a key of WHAT) with an untranslated DETAIL."""
    if phrase not in WHAT:
        raise ValueError(f"{phrase!r} is not in the access log's catalogue (access/what.py)")
    return phrase if detail in (None, "") else f"{phrase}: {detail}"


def describe(stored: str) -> str:
    """STORED in the active language; unknown text is shown as it was stored."""
    phrase, separator, detail = stored.partition(": ")
    if stored in WHAT:
        return str(WHAT[stored])
    if phrase not in WHAT:
        return stored
    if not separator:
        return str(WHAT[phrase])
    return f"{WHAT[phrase]}: {_detail(phrase, detail)}"


def _detail(phrase: str, detail: str) -> str:
    if phrase in FIELDS_OF:
        model = apps.get_model(*FIELDS_OF[phrase])
        return ", ".join(_field(model, name) for name in detail.split(", "))
    if phrase in URL_NAMED:
        page, separator, rest = detail.partition(", ")
        shown = str(PAGES[page]) if page in PAGES else page
        return f"{shown}, {_fixed(rest)}" if separator else shown
    return _fixed(detail)


def _field(model, name: str) -> str:
    """The verbose name of MODEL's field NAME; a name it no longer has as stored."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _fixed(detail: str) -> str:
    if detail in DETAILS:
        return str(DETAILS[detail])
    if found := NO_PERSON.fullmatch(detail):
        return gettext("no person with id %(id)s") % {"id": found[1]}
    return detail
