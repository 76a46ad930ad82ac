"""Try the eight holes of the secrecy boundary over HTTP, as their users would, against a served
demo county (`make demo`, or `helhet demo` + `helhet serve`).

    HELHET_DEV=1 HELHET_VAR_DIR=var .venv/bin/python scripts/probe_secrecy.py http://127.0.0.1:8000

The persons and rows to ask about are picked from the demo database through the ORM (the
script runs with the same settings as the server); every check itself is an HTTP request with
a logged-in session, and reads the page a person would see. Each line says what was tried and
what came back; the exit status is the number of holes still open. It changes the demo
database (registrations, emergency access, a SIP version, a membership): use a throwaway one.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhet.settings")
import django  # noqa: E402

django.setup()

from django.db.models import Q  # noqa: E402

from helhet.access.models import (  # noqa: E402
    AccessLogEntry,
    Consent,
    ConsentDisclosure,
    EmergencyAccess,
)
from helhet.core.models import Membership, Organisation, Unit, User  # noqa: E402
from helhet.demo.county import DEMO_PASSWORD  # noqa: E402
from helhet.intake.models import Referral  # noqa: E402
from helhet.people.models import Person, Relative  # noqa: E402
from helhet.plans.models import SipVersion  # noqa: E402

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
open_holes = 0


class Session:
    """One browser: cookies, CSRF, redirects followed; English pages."""

    def __init__(self, username: str, unit: Unit | None = None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.jar.set_cookie(_cookie("django_language", "en"))
        page = self.get("/accounts/login/").text
        self.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, page)
        self.username = username
        if unit is not None:
            self.post(
                "/unit/", {"unit": unit.pk, "next": "/caseload/"}, self.get("/caseload/").text
            )

    def get(self, path: str) -> Response:
        return self._open(urllib.request.Request(BASE + path))

    def post(self, path: str, data: dict, page: str | None = None) -> Response:
        page = page if page is not None else self.get(path).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        body = {"csrfmiddlewaretoken": token.group(1) if token else "", **data}
        encoded = urllib.parse.urlencode(body, doseq=True).encode()
        request = urllib.request.Request(BASE + path, data=encoded, headers={"Referer": BASE})
        return self._open(request)

    def _open(self, request) -> Response:
        try:
            with self.opener.open(request) as answer:
                return Response(answer.status, answer.geturl(), answer.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, request.full_url, error.read().decode(errors="replace"))


class Response:
    def __init__(self, status: int, url: str, text: str):
        self.status, self.url, self.text = status, url, text

    def message(self) -> str:
        """The page's messages (role status / alert), as one line."""
        found = re.findall(
            r'<(?:li|p|div)[^>]*role="(?:status|alert)"[^>]*>(.*?)</', self.text, re.S
        )
        return " | ".join(re.sub(r"\s+", " ", re.sub("<[^>]+>", "", m)).strip() for m in found)


def _cookie(name, value):
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        True,
        None,
        None,
        {},
    )


def verdict(hole: str, closed: bool, detail: str) -> None:
    global open_holes
    open_holes += not closed
    print(f"{'closed' if closed else 'OPEN  '}  {hole}: {detail}")


def newest_rows(**filters) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(**filters).order_by("-id")[:5])


def person(number: str) -> Person:
    return Person.objects.get(identity_number=number.replace("-", ""))


clinic = Unit.objects.get(slug__icontains="socialmedicin")
act = Unit.objects.get(slug__icontains="act")
region = Organisation.objects.get(name__icontains="region")
bertil = person("19650902-9812")  # the region's at the clinic, no consent
greta = person("19780314-9801")  # the region's, with a coordination consent

# 1. Log review crosses the boundary ------------------------------------------------------------
anna = Session("anna.sjukskoterska", clinic)
anna.get(f"/persons/{bertil.pk}/")
per = Session("per.chef", clinic)


def table(page: str) -> str:
    """The log table of a review page (the filter form echoes the number asked for)."""
    found = re.search(r"<table.*?</table>", page, re.S)
    return found.group(0) if found else ""


review = table(per.get(f"/log/?person={bertil.identity_number}").text)
region_view = table(
    Session("eva.samordnare", clinic).get(f"/log/?person={bertil.identity_number}").text
)
verdict(
    "1 log review per authority",
    "Ståhl" not in review and bertil.identity_number[:8] not in review and "Ståhl" in region_view,
    f"per.chef (municipality) filtering by Bertil Ståhl's number: name shown={'Ståhl' in review};"
    f" eva.samordnare (region) sees him={'Ståhl' in region_view}",
)

# 2. Silent relationships ---------------------------------------------------------------------
peter = Session("peter.casemanager", act)  # the region's ACT case manager
before = peter.get(f"/persons/{bertil.pk}/").status


def register(session: Session, number: str) -> Response:
    return session.post(
        "/persons/new/",
        {
            "identity_number": number,
            "given_name": "Test",
            "family_name": "Testsson",
            "municipality": bertil.municipality_id,
            "opened_on": datetime.date.today().isoformat(),
        },
    )


known = register(peter, bertil.identity_number)
fresh_number = "19850101-9809"
Person.objects.filter(identity_number=fresh_number.replace("-", "")).delete()
unknown = register(peter, fresh_number)
same = (known.status, known.message().replace("Ståhl", "X").replace("Bertil", "X")) == (
    unknown.status,
    unknown.message().replace("Testsson", "X").replace("Test", "X"),
)
row = newest_rows(user__username="peter.casemanager", person=bertil, action="create")
flagged = bool(row) and "without a referral" in row[0].what
verdict(
    "2 no silent relationship",
    before == 404 and flagged and same,
    f"before: {before}; register known number -> {known.status} '{known.message()[:80]}'; "
    f"unknown number -> {unknown.status} '{unknown.message()[:80]}'; same answer={same}; "
    f"log row: {row[0].what if row else None}",
)
notes = peter.get(f"/persons/{bertil.pk}/contacts/")
earlier = newest_rows(user__username="peter.casemanager", person=bertil, earlier_records=True)
print(
    f"        peter then reads the clinic's contacts: {notes.status}, earlier-records rows: "
    f"{len(earlier)} (flagged for the clinic's review)"
)
eva_log = Session("eva.samordnare", clinic).get("/log/?user=peter.casemanager").text
print(
    f"        eva.samordnare (clinic, region) sees peter's earlier-records read: "
    f"{'Earlier records' in eva_log or 'earlier records' in eva_log}"
)

# 3. Protected identity on the referral page ---------------------------------------------------
referral = (
    Referral.objects.filter(unit=clinic)
    .filter(Q(person__protected_identity=True) | Q(protected_identity=True))
    .exclude(contact="")
    .first()
)
if referral is None:
    verdict("3 protected details on referrals", False, "no protected referral with a contact")
else:
    phone = referral.contact
    nurse_page = anna.get(f"/referrals/{referral.pk}/")
    coordinator_page = Session("eva.samordnare", clinic).get(f"/referrals/{referral.pk}/")
    verdict(
        "3 protected details on referrals",
        phone not in nurse_page.text and phone in coordinator_page.text,
        f"referral {referral.pk}: the nurse sees '{phone}'={phone in nurse_page.text} "
        f"({nurse_page.status}); the coordinator={phone in coordinator_page.text}",
    )

# 4. A disclosure logged as own organisation (the SIP form's relatives) -------------------------
municipal = ConsentDisclosure.objects.filter(
    category="relatives",
    to_organisation=region,
    consent__withdrawn_on__isnull=True,
    consent__coordination=True,
    consent__unit=clinic,
).values("consent__person")
shared = (
    Relative.objects.filter(person__in=municipal)
    .exclude(organisation=region)
    .select_related("person")
    .first()
)
if shared is None:
    print("        4: no municipal relative disclosed to the region in this county; skipped")
else:
    form = anna.get(f"/persons/{shared.person_id}/sip/new/")
    rows = newest_rows(user__username="anna.sjukskoterska", person_id=shared.person_id)
    shown = shared.name in form.text if hasattr(shared, "name") else str(shared) in form.text
    verdict(
        "4 the SIP form's relatives are a disclosure",
        bool(rows) and (not shown or rows[0].basis == "consent"),
        f"relative shown={shown}; the row's basis: {rows[0].basis if rows else None}",
    )

# 5. Refused requests leave a trace ------------------------------------------------------------
sara = Session("sara.socionom", clinic)
count = AccessLogEntry.objects.filter(action="refused", user__username="sara.socionom").count()
answers = {sara.get(f"/persons/{bertil.pk}/").status for _ in range(6)}
answers.add(sara.get("/persons/999999999/").status)
after = AccessLogEntry.objects.filter(action="refused", user__username="sara.socionom").count()
flag = per.get("/log/?repeated_refusals=on").text
verdict(
    "5 refused requests are logged",
    answers == {404} and after - count == 7 and "sara.socionom" in flag,
    f"answers {answers}; refused rows written: {after - count}; per.chef's review flags "
    f"sara: {'sara.socionom' in flag}",
)

# 6. Emergency access reviewed by the right person --------------------------------------------
lars = Session("lars.chef")  # the region's manager at Mini-Maria and ACT
page = lars.get("/emergency/").text
bad = lars.post(
    "/emergency/",
    {
        "identity_number": bertil.identity_number,
        "reason_kind": "cannot_consent",
        "reason": "a" * 20,
        "hours": 1,
    },
    page,
)
good = lars.post(
    "/emergency/",
    {
        "identity_number": bertil.identity_number,
        "reason_kind": "cannot_consent",
        "reason": "The person is unconscious in the emergency room and cannot answer",
        "hours": 1,
    },
)
taken = EmergencyAccess.objects.filter(user__username="lars.chef").order_by("-pk").first()
BUTTON = f'name="emergency" value="{taken.pk if taken else 0}"'
own = any(
    BUTTON in Session("lars.chef", m.unit).get("/log/").text
    for m in Membership.objects.filter(user__username="lars.chef").select_related("unit")
)
theirs = BUTTON in Session("eva.samordnare", clinic).get("/log/").text
verdict(
    "6 emergency access review",
    bad.url.endswith("/emergency/") and good.status == 200 and not own and theirs,
    f"twenty 'a': stays on the form with '{bad.message()[:70]}'; real reason -> {good.status}; "
    f"lars sees a review button for his own: {own}; the clinic's region coordinator: {theirs}",
)

# 7. The admin site and access changes ----------------------------------------------------------
admin = Session("admin")
emma = User.objects.get(username="emma.sjukskoterska")
password_page = admin.get(f"/admin/core/user/{emma.pk}/password/")
Membership.objects.filter(user=emma, unit=act).delete()  # from an earlier run
before = AccessLogEntry.objects.filter(action="security").count()
add = admin.get("/admin/core/membership/add/")
admin.post(
    "/admin/core/membership/add/",
    {"user": emma.pk, "unit": act.pk, "role": Membership.Role.STAFF},
    add.text,
)
security = AccessLogEntry.objects.filter(action="security").count() - before
verdict(
    "7 access changes are security events",
    password_page.status == 403 and security >= 1,
    f"admin sets emma's password: {password_page.status}; security rows for a new "
    f"membership: {security}",
)

# 8. The SIP is one joint plan ------------------------------------------------------------------
in_force = Consent.objects.filter(
    Q(valid_until__isnull=True) | Q(valid_until__gte=datetime.date.today()),
    withdrawn_on__isnull=True,
    coordination=True,
    unit=clinic,
)
latest = (
    SipVersion.objects.filter(sip__unit=clinic, sip__person__consents__in=in_force)
    .exclude(organisation=region)
    .filter(sip__person__episodes__unit=clinic, sip__person__episodes__closed_on__isnull=True)
    .order_by("-number")
    .select_related("sip")
    .first()
)
if latest is None:
    verdict("8 the SIP is one joint plan", False, "no municipal SIP version under consent")
else:
    region_sip = anna.get(f"/persons/{latest.sip.person_id}/sip/?version={latest.pk}")
    verdict(
        "8 the SIP is one joint plan",
        region_sip.status == 200 and "not disclosed to your organisation" not in region_sip.text,
        f"anna (region) opens the municipality's version {latest.number}: {region_sip.status}, "
        f"refused text shown: {'not disclosed to your organisation' in region_sip.text}",
    )
print(f"{open_holes} hole(s) open")
sys.exit(open_holes)
