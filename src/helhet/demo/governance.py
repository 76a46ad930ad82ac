"""The demo county's collaboration agreements (issue 17): one per unit, in force, signed by the
region and both municipalities, with a half-done checklist, positions for the staff who work
there and a vacancy, this year's and last year's costs, a key per unit (population at the
clinic, fixed shares at Mini-Maria, use at the ACT team) and the municipalities' populations;
targets on the follow-up's indicators for last year and this year (`TARGETS`); a dozen
deviations between the authorities at the clinic in every state, some overdue
(escalated to the steering group), a few about a person; two disputes at the clinic, one
about a person's needs at its second step, one about money settled; a contact person for every
party at every unit, a few consultations at the clinic (answered, waiting, overdue, a general
one) and a referral from social services with its commission; and a year of the steering
group's meetings and its yearly cycle."""

import datetime
from decimal import Decimal

from django.utils import timezone

from helhet.care.models import Episode
from helhet.core.models import Membership
from helhet.governance import steering
from helhet.governance.models import (
    AgendaItem,
    Agreement,
    AgreementVersion,
    ChecklistItem,
    Consultation,
    ContactPerson,
    Cost,
    CostKey,
    CycleDone,
    CycleStep,
    Decision,
    Deviation,
    Dispute,
    DisputeDecision,
    EscalationStep,
    Goal,
    KeyShare,
    Meeting,
    Population,
    Position,
    Target,
)
from helhet.intake.models import Commission, Referral

from .county import County

POPULATION = {"9901": 24_500, "9902": 16_300, "9903": 9_800, "9904": 7_200}
GOALS = (
    "Minst 80 % av de inskrivna har en SIP inom tre månader.",
    "Färre avbrott i behandlingen mellan huvudmännen.",
    "Brukarna upplever att de får samordnat stöd.",
)
LADDER = (  # who decides, days, whether the steering group does
    ("Enhetscheferna på enheten", 14, False),
    ("Parternas linjechefer", 21, False),
    ("Styrgruppen", 30, True),
    ("Länets samverkansorgan", 60, False),
)
SHARED = {  # kind: yearly amount (SEK)
    Cost.Kind.PREMISES: 420_000,
    Cost.Kind.CLEANING: 60_000,
    Cost.Kind.SUPERVISION: 80_000,
    Cost.Kind.EVALUATION: 50_000,
}
# the agreement's targets (issue 18): indicator, comparison, value, the goal's place (None: a
# goal image alone), the goal image; each for last year and for this year
TARGETS = (
    ("sip_on_time_share", Target.Comparison.AT_LEAST, 80, None, 7),
    ("sip_share", Target.Comparison.AT_LEAST, 80, 0, 7),
    ("first_contact_wait_median", Target.Comparison.AT_MOST, 7, None, 3),
    ("no_show_rate", Target.Comparison.AT_MOST, 15, 1, 3),
    ("priority_share", Target.Comparison.AT_LEAST, 20, None, 5),
    ("new_enrolments", Target.Comparison.AT_LEAST, 20, None, 1),
)
KEYS = {"clinic": CostKey.Method.POPULATION, "mini_maria": CostKey.Method.FIXED}
SALARY = 650_000  # a full-time position a year, with social costs


def add_agreements(county: County, *, today: datetime.date) -> None:
    for code, population in POPULATION.items():
        for year in (today.year - 1, today.year):
            Population.objects.get_or_create(
                municipality=county.municipalities[code],
                year=year,
                defaults={"population": population},
            )
    parties = list(county.organisations.values())
    author = county.users["eva.samordnare"]
    for key, unit in county.units.items():
        agreement = Agreement.objects.create(name=f"Samverkansöverenskommelse {unit.name}")
        agreement.units.set([unit])
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            state=AgreementVersion.State.IN_FORCE,
            proposed_by=author,
            in_force_at=timezone.make_aware(datetime.datetime(today.year - 1, 12, 15, 12)),
            decided_by="Regionstyrelsen, Norrby och Söderby socialnämnder",
            decided_on=datetime.date(today.year - 1, 11, 20),
            starts_on=datetime.date(today.year, 1, 1),
            ends_on=datetime.date(today.year + 1, 12, 31),
            renews_yearly=True,
            signatories="Hälso- och sjukvårdsdirektör, Region Demoland\n"
            "Socialchef, Norrby kommun\nSocialchef, Söderby kommun",
            mission=f"Parterna driver {unit.name} gemensamt: samordnade insatser från båda "
            "huvudmännen för personer med sammansatta behov.",
            target_group=unit.target_group,
            deviation_answer_days=14,
        )
        version.parties.set(parties)
        Goal.objects.bulk_create(
            Goal(version=version, position=i, text=text) for i, text in enumerate(GOALS)
        )
        EscalationStep.objects.bulk_create(
            EscalationStep(
                version=version, position=i, body=body, days=days, by_steering_group=by_group
            )
            for i, (body, days, by_group) in enumerate(LADDER)
        )
        _checklist(agreement, today)
        _targets(version, today)
        _positions(agreement, unit, county)
        _costs(agreement, key, county, today)
        if key == "clinic":
            _deviations(agreement, version, county, today)
            _disputes(agreement, version, county, today)
    add_steering_work(county, today=today)
    add_consultations(county, today=today)


def _targets(version: AgreementVersion, today: datetime.date) -> None:
    """The targets of `TARGETS` for last year and this year, at every unit of the agreement."""
    goals = dict(version.goals.values_list("position", "pk"))
    Target.objects.bulk_create(
        Target(
            agreement_version=version,
            indicator=code,
            comparison=comparison,
            value=Decimal(value),
            goal_id=goals[goal] if goal is not None else None,
            goal_image=image,
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
        )
        for code, comparison, value, goal, image in TARGETS
        for year in (today.year - 1, today.year)
    )


def _checklist(agreement: Agreement, today: datetime.date) -> None:
    """The first half done, the next few in progress (one overdue), the rest not started."""
    items = list(agreement.checklist.order_by("position"))
    half = len(items) // 2
    for n, item in enumerate(items):
        if n < half:
            item.status = ChecklistItem.Status.DONE
        elif n < half + 4:
            item.status = ChecklistItem.Status.IN_PROGRESS
            item.responsible = "Enhetschefen"
            item.due_on = today + datetime.timedelta(days=30 * (n - half) - 10)
        else:
            continue
        item.save()


def _positions(agreement: Agreement, unit, county: County) -> None:
    members = Membership.objects.filter(unit=unit).select_related("user__organisation")
    for membership in members.order_by("user__username"):
        user = membership.user
        if user.organisation is None:  # staff always have one; for the type checker
            continue
        Position.objects.create(
            agreement=agreement,
            profession=user.profession,
            percent=100 if membership.role == Membership.Role.STAFF else 50,
            employer=user.organisation,
            payer=user.organisation,
        )
    Position.objects.create(
        agreement=agreement,
        profession="nurse",
        title="Sjuksköterska, nyinrättad",
        percent=75,
        employer=county.organisations["region"],
        payer=county.organisations["region"],
        vacant=True,
    )


def _costs(agreement: Agreement, key: str, county: County, today: datetime.date) -> None:
    for year in (today.year - 1, today.year):
        for position in agreement.positions.filter(vacant=False):
            Cost.objects.create(
                agreement=agreement,
                year=year,
                kind=Cost.Kind.STAFF,
                party=position.employer,
                recorded_by=position.employer,
                description=position.get_profession_display(),
                amount=SALARY * position.percent // 100,
            )
        region = county.organisations["region"]
        for kind, amount in SHARED.items():
            Cost.objects.create(
                agreement=agreement, year=year, kind=kind, amount=amount, recorded_by=region
            )
        if key == "act":
            Cost.objects.create(
                agreement=agreement,
                year=year,
                kind=Cost.Kind.CARS,
                amount=150_000,
                recorded_by=region,
            )
        method = KEYS.get(key, CostKey.Method.USE)
        cost_key = CostKey.objects.create(
            agreement=agreement,
            year=year,
            method=method,
            set_by_party=region,
            set_at=timezone.now(),
            state=CostKey.State.IN_FORCE,
        )
        if method == CostKey.Method.FIXED:
            shares = {"region": 50, "norrby": 30, "soderby": 20}
        else:
            shares = {"region": 50}
        KeyShare.objects.bulk_create(
            KeyShare(key=cost_key, organisation=county.organisations[o], percent=Decimal(p))
            for o, p in shares.items()
        )


C, S = Deviation.Category, Deviation.Status
# (reporter, addressed to, category, days ago reported, status, about a person, what happened)
DEVIATIONS = (
    ("anna.sjukskoterska", "norrby", C.HANDOVER, 3, S.REPORTED, True,
     "Ingen överlämning från boendet när personen skrevs ut från tillnyktringen."),
    ("erik.lakare", "norrby", C.TARGET_GROUP, 6, S.REPORTED, False,
     "Socialtjänsten avslog insats med hänvisning till målgruppen trots överenskommelsen."),
    ("emma.sjukskoterska", "region", C.UNANSWERED, 20, S.REPORTED, True,
     "Konsultationsremiss till psykiatrin obesvarad i tre veckor."),
    ("sara.socionom", "region", C.UNANSWERED, 30, S.REPORTED, False,
     "Avvikelse skickad till psykiatrins mottagning har aldrig besvarats."),
    ("anna.sjukskoterska", "norrby", C.MONEY, 40, S.REPORTED, False,
     "Oenighet om vem som betalar bilen till ACT-teamets hembesök."),
    ("emma.sjukskoterska", "region", C.PATIENT_SAFETY, 12, S.REPORTED, False,
     "Läkemedelslistan uppdaterades inte efter utskrivning från psykiatrin."),
    ("erik.lakare", "norrby", C.SECRECY, 25, S.ANSWERED, False,
     "Uppgifter lämnades ut utan samtycke i samband med SIP-kallelse."),
    ("sara.socionom", "region", C.RESPONSIBILITY, 35, S.ANSWERED, True,
     "Oklart vem som ansvarar för uppföljning efter avbruten behandling."),
    ("anna.sjukskoterska", "norrby", C.WORK_ENVIRONMENT, 50, S.ANSWERED, False,
     "Hembesök utan riskbedömning från socialtjänsten."),
    ("emma.sjukskoterska", "region", C.HANDOVER, 60, S.CLOSED, False,
     "Journalkopia kom inte fram inför teamkonferensen."),
    ("erik.lakare", "norrby", C.UNANSWERED, 70, S.CLOSED, False,
     "Anmälan om oro besvarades inte inom avtalad tid."),
    ("sara.socionom", "region", C.MONEY, 80, S.CLOSED, False,
     "Lokalkostnaden fördelades inte enligt nyckeln."),
)  # fmt: skip
ANSWERS = {
    "norrby": ("Per Engström, enhetschef", "Rutinen för överlämning ses över; ny kontaktperson."),
    "region": ("Eva Lundgren, samordnare", "Remisser bevakas nu dagligen av mottagningens team."),
}


def _deviations(agreement: Agreement, version, county: County, today: datetime.date) -> None:
    """A dozen deviations at the clinic between the region and Norrby: waiting (some overdue,
    escalated), answered (two late) and closed; three about a person enrolled there."""
    unit = agreement.units.get()
    persons = list(
        Episode.objects.filter(unit=unit, closed_on__isnull=True)
        .order_by("pk")
        .values_list("person_id", flat=True)[:3]
    )
    answerers = {"norrby": county.users["per.chef"], "region": county.users["eva.samordnare"]}
    for reporter, to, category, days, status, about, text in DEVIATIONS:
        user = county.users[reporter]
        party = user.organisation
        if party is None:  # staff always have one; for the type checker
            continue
        reported = today - datetime.timedelta(days=days)
        answer_by = reported + datetime.timedelta(days=version.deviation_answer_days)
        answered = status != S.REPORTED
        answered_on = min(reported + datetime.timedelta(days=days // 3 + 5), today)
        who, measures = ANSWERS[to]
        Deviation.objects.create(
            agreement=agreement,
            unit=unit,
            reported_by=user,
            reporting_party=party,
            reported_at=timezone.make_aware(datetime.datetime.combine(reported, datetime.time(10))),
            addressed_to=county.organisations[to],
            function="Enhetschef" if to == "norrby" else "Verksamhetschef psykiatrin",
            category=category,
            happened_on=reported - datetime.timedelta(days=1),
            description=text,
            person_id=persons.pop(0) if about and persons else None,
            answer_by=answer_by,
            status=status,
            answer=f"Svar från {who}: vi har tagit emot avvikelsen." if answered else "",
            measures=measures if answered else "",
            answered_by=answerers[to] if answered else None,
            answered_on=answered_on if answered else None,
            closed_on=min(answered_on + datetime.timedelta(days=7), today)
            if status == S.CLOSED
            else None,
        )


def _disputes(agreement: Agreement, version, county: County, today: datetime.date) -> None:
    """Two disputes at the clinic between Norrby and the region: about a person's needs, at its
        second step (the unit managers did not agree; the region goes on treating meanwhile), and
        about the cars' costs, settled by the line managers at the second step (proposed by the
    region, confirmed by Norrby)."""
    unit = agreement.units.get()
    ladder = list(version.steps.order_by("position"))
    norrby, region = county.organisations["norrby"], county.organisations["region"]
    per, eva = county.users["per.chef"], county.users["eva.samordnare"]
    person = (
        Episode.objects.filter(unit=unit, closed_on__isnull=True)
        .order_by("-pk")
        .values_list("person_id", flat=True)
        .first()
    )

    def at(days_ago: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))

    moved_up = today - datetime.timedelta(days=6)  # the unit managers' decision
    needs = Dispute.objects.create(
        agreement=agreement, ladder=version, unit=unit, raised_by=per, raising_party=norrby,
        raised_at=at(20), against=region, kind=Dispute.Kind.NEEDS,
        question="Socialtjänsten bedömer att personen behöver psykiatrisk heldygnsvård innan "
        "boendestöd kan ges; psykiatrin bedömer att boendestöd behövs först.",
        person_id=person, meanwhile_party=region,
        meanwhile="Psykiatrins öppenvård fortsätter behandlingen med veckovisa besök; "
        "socialtjänsten deltar i SIP-mötet.",
        step=2, decide_by=moved_up + datetime.timedelta(days=ladder[1].days),
    )  # fmt: skip
    DisputeDecision.objects.create(
        dispute=needs, step=1, body=ladder[0].body, settled=False, decided_by=eva,
        decided_party=region, decided_at=at(6),
        decision="Enhetscheferna är inte överens; tvisten lyfts till linjecheferna.",
        reasons="Huvudmännens bedömningar av behovet skiljer sig och ingen av dem kan ensam "
        "besluta om den andras insats.",
    )  # fmt: skip
    money = Dispute.objects.create(
        agreement=agreement, ladder=version, unit=unit, raised_by=eva, raising_party=region,
        raised_at=at(90), against=norrby, kind=Dispute.Kind.MONEY,
        question="Vem betalar leasingbilen som ACT-teamet använder för hembesök?",
        step=2, decide_by=today - datetime.timedelta(days=40), status=Dispute.Status.SETTLED,
        settled_on=today - datetime.timedelta(days=50),
    )  # fmt: skip
    DisputeDecision.objects.create(
        dispute=money, step=1, body=ladder[0].body, settled=False, decided_by=per,
        decided_party=norrby, decided_at=at(78),
        decision="Ingen enighet på enhetsnivå.", reasons="Bilen saknas i kostnadsnyckeln.",
    )  # fmt: skip
    DisputeDecision.objects.create(
        dispute=money, step=2, body=ladder[1].body, settled=True, decided_by=eva,
        decided_party=region, decided_at=at(50), confirmed_by=per, confirmed_party=norrby,
        decision="Bilen blir en gemensam kostnad och delas enligt nyckeln från nästa år.",
        reasons="Bilen används för båda huvudmännens insatser; överenskommelsen ändras.",
    )  # fmt: skip


# --- The steering group's year (issue 17, item 7) ---------------------------------------------

AGENDA = (
    "Föregående protokoll och öppna beslut",
    "Uppföljningen av perioden",
    "Checklistan i överenskommelsen",
    "Avvikelser mellan huvudmännen",
    "Ekonomi och bemanning",
    "Övriga frågor",
)
DECISIONS = (  # text, owner (a member's username, or a party's function), due in days
    ("Ta fram en gemensam rutin för överlämning vid utskrivning.", "birgitta.styrgrupp", 45),
    ("Utreda hur bilkostnaden för uppsökande arbete ska fördelas.", "Ekonomichef, Norrby", 60),
    ("Bjuda in brukarrådet till nästa möte.", "hans.styrgrupp", 30),
)
CYCLE = (  # kind, name, month, day
    ("follow_up_report", "", 2, 15),
    ("user_survey", "", 5, 31),
    ("budget", "", 9, 15),
    ("agreement_renewal", "", 10, 1),
    ("other", "Brukarrevision", 11, 15),
    ("other", "Verksamhetsplan för nästa år", 12, 20),
)


def add_steering_work(county: County, *, today: datetime.date) -> None:
    """A year of the steering group's meetings, one three weeks after each of the last four
    quarters (agenda, attendees, minutes, three decisions: the earlier done, the latest open,
    one of them overdue) and the next one planned; and its year's cycle, the steps before
    today done (but the user survey, overdue) and the rest to come."""
    from helhet.followup.models import SteeringGroup
    from helhet.followup.periods import Period

    from .county import STEERING, STEERING_GROUP

    group = SteeringGroup.objects.get(name=STEERING_GROUP)
    members = [county.users[spec.username] for spec in STEERING]
    quarter = Period.quarter(today.year, (today.month - 1) // 3 + 1)
    for n in range(4, -1, -1):
        period = quarter.shifted(-n)
        held_on = period.end + datetime.timedelta(days=22)
        past = held_on < today
        meeting = Meeting.objects.create(
            group=group,
            held_on=held_on,
            place="Regionhuset, sal Demo" if n % 2 else "Norrby stadshus",
            period_start=period.start,
            period_end=period.end,
            minutes=_minutes(period) if past else "",
            created_by=members[0],
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, title=t) for i, t in enumerate(AGENDA)
        )
        if not past:
            continue
        meeting.attendees.set(members)
        for text, owner, days in DECISIONS:
            # the latest meeting's decisions are due ahead: only the earlier one left is overdue
            due_on = (today if n == 1 else held_on) + datetime.timedelta(days=days)
            done = n > 2 or (n == 2 and owner != "Ekonomichef, Norrby")  # one left overdue
            by_member = owner in county.users
            Decision.objects.create(
                meeting=meeting,
                text=text,
                owner=county.users[owner] if by_member else None,
                owner_function="" if by_member else owner,
                due_on=due_on,
                done_on=min(due_on, today) if done else None,
                done_by=members[0] if done else None,
            )
    for kind, name, month, day in CYCLE:
        step = CycleStep.objects.create(
            group=group, kind=kind, name=name, month=month, day=day, remind_days=21
        )
        on = steering.step_date(step, today.year)
        if on < today and kind != "user_survey":
            CycleDone.objects.create(step=step, year=today.year, done_on=on, done_by=members[0])


def _minutes(period) -> str:
    return (
        f"Styrgruppen gick igenom uppföljningen för {period.label}: antalet inskrivna och "
        "besöken ligger i nivå med föregående period. Checklistan i överenskommelsen är till "
        "hälften klar; kostnaderna för lokaler och bilar fördelas enligt nyckeln. Två "
        "avvikelser till kommunen har inte besvarats i tid och tas upp med enhetscheferna."
    )


# --- Consultation across the boundary ---------------------------------------------------------

# (asker, addressed party, days ago asked, answered, about a person, question)
CONSULTATIONS = (
    ("anna.sjukskoterska", "norrby", 12, True, True,
     "Personen skrivs ut från tillnyktringen på fredag. Kan boendestödet komma igång samma dag?"),
    ("erik.lakare", "norrby", 1, False, False,
     "Hur lång är väntetiden just nu för en utredning om boende med stöd?"),
    ("sara.socionom", "region", 9, False, True,
     "Personen har slutat hämta sina läkemedel. Finns en plan för uppföljning hos psykiatrin?"),
    ("karin.kurator", "region", 2, False, False,
     "Kan psykiatrin delta i vår gruppverksamhet för anhöriga en gång i månaden?"),
)  # fmt: skip
ANSWER = "Ja, vi tar det på nästa teamträff och återkommer med namn på ansvarig handläggare."


def add_consultations(county: County, *, today: datetime.date) -> None:
    """A contact person for each party at each unit under an agreement (the first of its staff
    there), four consultations at the clinic and a commission on a referral from social
    services there."""
    for unit in county.units.values():
        version = unit.agreements.get().versions.get(state=AgreementVersion.State.IN_FORCE)
        for party in version.parties.all():
            members = Membership.objects.filter(unit=unit, user__organisation=party)
            member = (
                members.filter(role=Membership.Role.STAFF).order_by("user__username").first()
                or members.order_by("user__username").first()
            )
            if member is not None:
                ContactPerson.objects.create(
                    unit=unit,
                    party=party,
                    user=member.user,
                    function=f"Kontaktperson {party.name}",
                    recorded_by=member.user,
                )
    clinic = county.units["clinic"]
    _consultations(clinic, county, today)
    _commission(clinic, county, today)


def _consultations(unit, county: County, today: datetime.date) -> None:
    agreement = unit.agreements.get()
    days = agreement.versions.get(state=AgreementVersion.State.IN_FORCE).consultation_answer_days
    for asker, to, ago, answered, about, question in CONSULTATIONS:
        user = county.users[asker]
        party = user.organisation
        if party is None:  # staff always have one; for the type checker
            continue
        contact = ContactPerson.objects.filter(unit=unit, party=county.organisations[to]).first()
        person = (
            Episode.objects.filter(
                unit=unit, closed_on__isnull=True, organisation=user.organisation
            )
            .order_by("pk")
            .values_list("person_id", flat=True)
            .first()
        )
        asked = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=ago), datetime.time(9))
        )
        Consultation.objects.create(
            agreement=agreement,
            unit=unit,
            asked_by=user,
            asking_party=party,
            asked_at=asked,
            addressed_to=county.organisations[to],
            contact=contact.user if contact else None,
            function=contact.function if contact else "Enhetschef",
            question=question,
            person_id=person if about else None,
            answer_by=asked.date() + datetime.timedelta(days=days),
            status=Consultation.Status.ANSWERED if answered else Consultation.Status.ASKED,
            answer=ANSWER if answered else "",
            answered_by=contact.user if answered and contact else None,
            answered_at=asked + datetime.timedelta(days=3) if answered else None,
        )


def _commission(unit, county: County, today: datetime.date) -> None:
    """The commission of a waiting referral from social services (one is made if the journeys
    left none)."""
    referral = Referral.objects.filter(
        unit=unit, source=Referral.Source.SOCIAL_SERVICES, state__in=Referral.OPEN_STATES
    ).first()
    sara = county.users["sara.socionom"]
    if referral is None:
        referral = Referral.objects.create(
            unit=unit,
            organisation=county.organisations["norrby"],
            source=Referral.Source.SOCIAL_SERVICES,
            referrer="Socialtjänsten Norrby, vuxenenheten",
            name="Nils Nyman",
            question="Missbruk och ångest; behöver insatser från båda huvudmännen.",
            received_on=today - datetime.timedelta(days=4),
            registered_by=sara,
        )
    Commission.objects.create(
        referral=referral,
        task="Bedöm behovet av samordnade insatser från socialtjänsten och psykiatrin och föreslå "
        "en plan, i samråd med personen.",
        questions="Behövs en SIP? Vilken vårdnivå behövs för abstinensen? Kan personen bo kvar "
        "i egen lägenhet med stöd?",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=90),
        contact="Sara Nilsson, socialsekreterare, Norrby kommun, 0550-123 45",
        recorded_by=sara,
    )
