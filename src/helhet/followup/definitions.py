"""The follow-up indicators and their written definitions (shown beside every figure).

Every indicator is computed per unit and period, the same way for every unit, and broken down by
legal sex or by age group. Common to all:

- the period's days are local days (Europe/Stockholm), both ends included;
- age is the age in whole years on the FIRST day of the period (`agegroups`);
- a person is counted once per unit and group, however many episodes, contacts or assessments
  they have there (counts of contacts, episodes, interventions and referrals count those);
- a person enrolled at a unit as a relative, for support of their own (`Episode.as_relative`),
  is not a client there: every client indicator leaves out what is recorded about them at that
  unit (`indicators.clients`), and the group "Relatives" counts them (`RELATIVES`);
- the figures of a whole month, quarter or year are the same whether read from the summaries
  kept as records are written (`summaries`) or counted from the records themselves.

`Indicator.basis` names the count indicators a derived figure (share, rate, median, mean) is
computed from: suppression hides the figure when one of them is small. `Indicator.parts` is the
prefix of the sub-rows that add up to the indicator's own row ("kind:" for contacts by kind):
suppression keeps a hidden sub-row from being recovered by subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .report import Measure

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name: StrOrPromise
    definition: StrOrPromise
    measure: str  # report.Measure
    basis: tuple[str, ...] = ()  # count indicators a derived figure is computed from
    parts: str = ""  # prefix of the sub-row keys that add up to the indicator's row

    @property
    def goal_images(self) -> list[GoalImage]:
        """The goal images (målbilder) this indicator helps follow up."""
        return [goal for goal in GOAL_IMAGES if self.code in goal.indicators]


GROUPS = [
    ("enrolment", _("Enrolment")),
    ("contacts", _("Contacts")),
    ("closures", _("Closures and reactivations")),
    ("interventions", _("Interventions")),
    ("assessments", _("AUDIT and DUDIT")),
    ("outcomes", _("Outcomes")),
    ("wait_times", _("Wait times")),
    ("sip", _("SIP")),
    ("consent", _("Consent")),
    ("relatives", _("Relatives enrolled for support of their own")),
]

C, P, D, S = Measure.COUNT, Measure.PERCENT, Measure.DAYS, Measure.SCORE

ENROLLED = _(
    "Persons with an episode at the unit that was open on at least one day of the period "
    "(opened on or before the last day, not closed before the first day). Each person once."
)
RELATIVES = _(
    "Relatives enrolled at the unit for support of their own (at a unit that serves "
    "relatives) are not counted as clients in any other figure: these figures count them."
)


def _format(template, **params) -> str:
    params = {name: value() if callable(value) else value for name, value in params.items()}
    return str(template) % params


_lazy_format = lazy(_format, str)


def _reactivation_months() -> int:
    return settings.HELHET_REACTIVATION_MONTHS


def _instrument(code: str, title: str) -> list[Indicator]:
    return [
        Indicator(
            f"{code}_intake",
            "assessments",
            _lazy_format(_("%(instrument)s: persons assessed at intake"), instrument=title),
            _lazy_format(
                _(
                    "Persons with a complete %(instrument)s at the unit, recorded as an intake "
                    "assessment with a date in the period, not corrected by a later "
                    "assessment. Each person once, with their first such assessment in the "
                    "period; the sub-rows are its zone."
                ),
                instrument=title,
            ),
            C,
            parts="zone:",
        ),
        Indicator(
            f"{code}_change",
            "assessments",
            _lazy_format(_("%(instrument)s: change from intake to follow-up"), instrument=title),
            _lazy_format(
                _(
                    "Persons with a complete %(instrument)s follow-up at the unit dated in the "
                    "period and an intake %(instrument)s at the unit on or before it (corrected "
                    "results left out). Their latest follow-up in the period is compared with "
                    "the latest intake before it: a lower total is improved, the same total "
                    "unchanged, a higher total worse."
                ),
                instrument=title,
            ),
            C,
            parts="change:",
        ),
        Indicator(
            f"{code}_mean_change",
            "assessments",
            _lazy_format(_("%(instrument)s: mean change of the total"), instrument=title),
            _lazy_format(
                _(
                    "The mean of (follow-up total − intake total) over the persons of the row "
                    "above; negative is better."
                ),
                instrument=title,
            ),
            S,
            basis=(f"{code}_change",),
        ),
    ]


OUTCOME_INTAKE = _(
    "Persons with an outcome recorded at the unit as an intake, dated in the period, not "
    "corrected by a later one. Each person once, with their first such outcome in the period."
)
OUTCOME_CHANGE = _(
    "Persons with an outcome recorded at the unit as a follow-up dated in the period and an "
    "intake outcome at the unit on or before it (corrected outcomes left out). Their latest "
    "follow-up in the period is compared with the latest intake before it: %(what)s"
)

_OUTCOMES = [
    Indicator(
        "outcome_intake",
        "outcomes",
        _("Persons with an outcome at intake"),
        _lazy_format(
            _("%(rule)s The sub-rows are their problem areas: a person may have several."),
            rule=OUTCOME_INTAKE,
        ),
        C,
    ),
    Indicator(
        "outcome_diagnosis",
        "outcomes",
        _("Diagnoses at intake, or the reason none is set"),
        _(
            "The persons of the row above, by whether ICD-10 diagnoses were set at intake, or "
            "else the reason none was: the sub-rows add up to the row."
        ),
        C,
        parts="diagnosis:",
    ),
    Indicator(
        "homeless_intake",
        "outcomes",
        _("Homeless at intake"),
        _lazy_format(
            _("%(rule)s Of them, those homeless or in acute housing at intake."),
            rule=OUTCOME_INTAKE,
        ),
        C,
    ),
    Indicator(
        "inpatient_intake",
        "outcomes",
        _("Psychiatric inpatient care before intake"),
        _lazy_format(
            _(
                "%(rule)s Of them, those with at least one episode of psychiatric inpatient "
                "care in the period before intake that the outcome covers (six months unless "
                "another length was recorded)."
            ),
            rule=OUTCOME_INTAKE,
        ),
        C,
    ),
    Indicator(
        "inpatient_change",
        "outcomes",
        _("Psychiatric inpatient care: change from intake to follow-up"),
        _lazy_format(
            OUTCOME_CHANGE,
            what=_(
                "inpatient care in the period before the intake but none in the period "
                "before the follow-up is improved, the same (care in both or in neither) "
                "unchanged, care only before the follow-up worse."
            ),
        ),
        C,
        parts="change:",
    ),
    Indicator(
        "homeless_change",
        "outcomes",
        _("Homelessness: change from intake to follow-up"),
        _lazy_format(
            OUTCOME_CHANGE,
            what=_(
                "homeless at intake and housed at the follow-up is improved, the same in both "
                "unchanged, housed at intake and homeless at the follow-up worse."
            ),
        ),
        C,
        parts="change:",
    ),
]

INDICATORS: list[Indicator] = [
    Indicator("enrolled", "enrolment", _("Persons enrolled"), ENROLLED, C),
    Indicator(
        "new_enrolments",
        "enrolment",
        _("New enrolments"),
        _("Persons with an episode at the unit opened on a day in the period. Each person once."),
        C,
    ),
    Indicator(
        "enrolled_at_end",
        "enrolment",
        _("Enrolled at the end of the period"),
        _(
            "Persons with an episode at the unit open at the end of the period's last day "
            "(opened on or before it, not closed on or before it)."
        ),
        C,
    ),
    Indicator(
        "contacts",
        "contacts",
        _("Contacts attended"),
        _(
            "Contacts at the unit the person attended, dated (local time) on a day in the "
            "period; relatives' support contacts included. Counted as contacts; the sub-rows "
            "are the kind of contact and add up to the total."
        ),
        C,
        parts="kind:",
    ),
    Indicator(
        "contact_persons",
        "contacts",
        _("Persons with an attended contact"),
        _("Persons with at least one attended contact at the unit in the period."),
        C,
    ),
    Indicator(
        "booked_contacts",
        "contacts",
        _("Booked contacts held or missed"),
        _(
            "Bookings at the unit starting (local time) on a day in the period that were "
            "recorded as attended or as a no-show; cancelled bookings and bookings not yet "
            "recorded are not counted."
        ),
        C,
    ),
    Indicator(
        "no_shows",
        "contacts",
        _("No-shows"),
        _(
            "Bookings at the unit starting (local time) on a day in the period that the person "
            "did not attend (recorded as a no-show); cancelled bookings are not counted."
        ),
        C,
    ),
    Indicator(
        "no_show_rate",
        "contacts",
        _("No-show rate"),
        _(
            "No-shows as a share of the booked contacts held or missed in the period "
            "(cancelled bookings left out)."
        ),
        P,
        basis=("no_shows", "booked_contacts"),
    ),
    Indicator(
        "closed",
        "closures",
        _("Episodes closed"),
        _(
            "Episodes at the unit closed on a day in the period, counted as episodes, by the "
            "reason recorded at closing; the sub-rows add up to the total."
        ),
        C,
        parts="reason:",
    ),
    Indicator(
        "reactivated",
        "closures",
        _("Reactivated episodes"),
        _lazy_format(
            _(
                "Episodes at the unit opened in the period that continue an episode closed at "
                "the same unit, opened at most %(months)s calendar months after that closure "
                "(the same day of the month included; the window is the setting "
                "HELHET_REACTIVATION_MONTHS). Counted as episodes."
            ),
            months=_reactivation_months,
        ),
        C,
    ),
    Indicator(
        "intervention_persons",
        "interventions",
        _("Persons given interventions"),
        _(
            "Persons given an intervention of the catalogue in an attended contact at the unit "
            "in the period, once per row. Medication is the catalogue's interventions of the "
            "record category medication except drug tests (LARO, medication dispensing, "
            "tapering). Medication handed out and drug tests taken are the unit's dispensing "
            "and drug test records in the period."
        ),
        C,
    ),
    Indicator(
        "interventions",
        "interventions",
        _("Interventions given"),
        _(
            "Interventions of the catalogue recorded on attended contacts at the unit in the "
            "period: one per contact and intervention. The rows per catalogue item add up to "
            "the total; medication handed out and drug tests taken count the dispensing and "
            "drug test records."
        ),
        C,
        parts="intervention:",
    ),
    Indicator(
        "priority_interventions",
        "interventions",
        _("Interventions with guideline priority 1–3"),
        _(
            "Of the interventions given, those whose catalogue item has priority 1, 2 or 3 in "
            "Socialstyrelsen's national guidelines (2019)."
        ),
        C,
    ),
    Indicator(
        "priority_share",
        "interventions",
        _("Share of interventions with guideline priority 1–3"),
        _(
            "Interventions with priority 1–3 as a share of all interventions given in attended "
            "contacts in the period (items without a priority count in the denominator)."
        ),
        P,
        basis=("priority_interventions", "interventions"),
    ),
    *_instrument("audit", "AUDIT"),
    *_instrument("dudit", "DUDIT"),
    *_OUTCOMES,
    Indicator(
        "referrals_decided",
        "wait_times",
        _("Referrals decided"),
        _(
            "Referrals to the unit accepted or declined on a day in the period. In the "
            "breakdowns only accepted referrals count (a declined one names no person)."
        ),
        C,
    ),
    Indicator(
        "decision_wait_median",
        "wait_times",
        _("Days to decision, median"),
        _(
            "Days from the date the referral was received to the local date of the decision, "
            "for the referrals decided in the period. Median: the middle value, or the mean of "
            "the two middle values when their number is even."
        ),
        D,
        basis=("referrals_decided",),
    ),
    Indicator(
        "decision_wait_p90",
        "wait_times",
        _("Days to decision, 90th percentile"),
        _(
            "Nearest rank: with the n waits in order, the one at rank ⌈0.9 × n⌉; nine in ten "
            "referrals waited at most this long."
        ),
        D,
        basis=("referrals_decided",),
    ),
    Indicator(
        "referrals_first_contact",
        "wait_times",
        _("Referrals with a first contact"),
        _("Accepted referrals to the unit whose first contact was on a day in the period."),
        C,
    ),
    Indicator(
        "first_contact_wait_median",
        "wait_times",
        _("Days to first contact, median"),
        _(
            "Days from the date the referral was received to its first contact, for the "
            "referrals first contacted in the period (median as above)."
        ),
        D,
        basis=("referrals_first_contact",),
    ),
    Indicator(
        "first_contact_wait_p90",
        "wait_times",
        _("Days to first contact, 90th percentile"),
        _("Nearest rank, as for the decision."),
        D,
        basis=("referrals_first_contact",),
    ),
    Indicator(
        "sip_persons",
        "sip",
        _("Enrolled persons with a SIP"),
        _(
            "Of the persons enrolled in the period, those with a SIP at the unit that has a "
            "version saved on or before the period's last day."
        ),
        C,
    ),
    Indicator(
        "sip_share",
        "sip",
        _("Share of enrolled persons with a SIP"),
        _("Enrolled persons with a SIP as a share of the persons enrolled in the period."),
        P,
        basis=("sip_persons", "enrolled"),
    ),
    Indicator(
        "sip_follow_ups_due",
        "sip",
        _("SIP follow-ups due"),
        _(
            "Follow-up dates set at SIP meetings of the unit's SIPs that fall on a day in the "
            "period, one per meeting that set one."
        ),
        C,
    ),
    Indicator(
        "sip_follow_ups_on_time",
        "sip",
        _("SIP follow-ups held on time"),
        _(
            "Of the follow-ups due, those with a later meeting of the same SIP held after the "
            "meeting that set the date and on or before the date."
        ),
        C,
    ),
    Indicator(
        "sip_on_time_share",
        "sip",
        _("Share of SIP follow-ups held on time"),
        _("SIP follow-ups held on time as a share of those due in the period."),
        P,
        basis=("sip_follow_ups_on_time", "sip_follow_ups_due"),
    ),
    Indicator(
        "consent_persons",
        "consent",
        _("Persons with active consent"),
        _(
            "Of the persons enrolled at the end of the period, those with a consent at the "
            "unit in force on the period's last day (begun, not expired, not withdrawn)."
        ),
        C,
    ),
    Indicator(
        "consent_share",
        "consent",
        _("Share of enrolled persons with active consent"),
        _("Persons with active consent as a share of the persons enrolled at the period's end."),
        P,
        basis=("consent_persons", "enrolled_at_end"),
    ),
    Indicator(
        "relatives_enrolled",
        "relatives",
        _("Relatives enrolled"),
        _lazy_format(
            _(
                "Persons enrolled at the unit as relatives with an episode open on at least "
                "one day of the period. Each person once. %(rule)s"
            ),
            rule=RELATIVES,
        ),
        C,
    ),
    Indicator(
        "relatives_new_enrolments",
        "relatives",
        _("Relatives newly enrolled"),
        _lazy_format(
            _(
                "Persons enrolled at the unit as relatives with an episode opened on a day in "
                "the period. Each person once. %(rule)s"
            ),
            rule=RELATIVES,
        ),
        C,
    ),
    Indicator(
        "relative_contacts",
        "relatives",
        _("Relatives' contacts attended"),
        _lazy_format(
            _(
                "Contacts at the unit attended by persons enrolled there as relatives, dated "
                "(local time) on a day in the period. %(rule)s"
            ),
            rule=RELATIVES,
        ),
        C,
    ),
]

_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def get(code: str) -> Indicator:
    """The indicator CODE; KeyError for an unknown code."""
    return _BY_CODE[code]


def in_group(group: str) -> list[Indicator]:
    return [indicator for indicator in INDICATORS if indicator.group == group]


@dataclass(frozen=True)
class GoalImage:
    """One of the ten goal images for care and support from the patient's and user's point of
    view (målbilder, SOU 2021:93 "Från delar till helhet", seed 001 Bilaga 1), with the
    indicators that tell something of it and how: the follow-up's reading of which figures
    speak to which goal, for the steering group to weigh. Some goals are the person's own
    experience, which no record holds: `how` says to ask them (user audits, surveys)."""

    number: int
    text: StrOrPromise  # the Swedish translation is the report's own wording
    indicators: tuple[str, ...]
    how: StrOrPromise

    @property
    def indicator_list(self) -> list[Indicator]:
        return [get(code) for code in self.indicators]


GOAL_IMAGES: list[GoalImage] = [
    GoalImage(
        1,
        _("Early help with mental ill-health and substance use"),
        ("new_enrolments", "audit_intake", "dudit_intake", "decision_wait_median"),
        _(
            "How many come, how soon a referral is decided, and how heavy the use is at "
            "intake (the AUDIT and DUDIT zones): lower zones at intake mean earlier help."
        ),
    ),
    GoalImage(
        2,
        _("To be listened to, understood and treated with the same respect as others"),
        (),
        _(
            "The person's own experience, which no record holds: the persons' and the "
            "relatives' surveys ask whether they are listened to, understood and treated with "
            "respect (the unit's survey results); user audits (brukarrevision) add to them."
        ),
    ),
    GoalImage(
        3,
        _(
            "Support and care that are easy to find and to get in touch with, and available "
            "when I need them"
        ),
        (
            "decision_wait_median",
            "decision_wait_p90",
            "first_contact_wait_median",
            "first_contact_wait_p90",
            "contacts",
            "no_show_rate",
        ),
        _(
            "The waits from referral to decision and to first contact, and the contacts by "
            "kind (drop-in, outreach, phone and home visits reach those who do not come to "
            "an appointment)."
        ),
    ),
    GoalImage(
        4,
        _(
            "To be strengthened in my own ability to handle my situation and to have "
            "influence over my care"
        ),
        ("sip_share", "audit_change", "dudit_change"),
        _(
            "A SIP is made with the person and records their agreement; the change from "
            "intake to follow-up shows their own use. Their influence itself: the persons' "
            "survey asks whether they have a say and handle their situation better, and the "
            "user council's proposals with the unit's answers stand beside its results."
        ),
    ),
    GoalImage(
        5,
        _("Access to treatment that works, and the possibility to choose what suits me"),
        ("intervention_persons", "interventions", "priority_share"),
        _(
            "Who gets which interventions, and the share with a high priority (1–3) in the "
            "national guidelines."
        ),
    ),
    GoalImage(
        6,
        _("A working everyday life and a meaningful context"),
        (
            "interventions",
            "audit_mean_change",
            "dudit_mean_change",
            "inpatient_intake",
            "inpatient_change",
            "homeless_change",
        ),
        _(
            "Housing and employment support among the interventions, the mean change of the "
            "AUDIT and DUDIT totals, and the outcomes: fewer persons in psychiatric inpatient "
            "care and fewer homeless at follow-up than at intake."
        ),
    ),
    GoalImage(
        7,
        _("Support and care that hang together as a whole"),
        ("sip_share", "sip_on_time_share", "consent_share"),
        _(
            "The shares with a SIP, with SIP follow-ups held on time, and with a consent that "
            "lets the unit's two authorities work on one plan."
        ),
    ),
    GoalImage(
        8,
        _("A person I can trust, who follows me through the whole process"),
        ("interventions", "reactivated"),
        _(
            "Case management among the interventions, and the returns to the unit "
            "(reactivations): the same team takes the person back."
        ),
    ),
    GoalImage(
        9,
        _(
            "Not to be shut out from support and care, and to get help with both the "
            "addiction and the mental ill-health"
        ),
        ("enrolled", "no_shows", "closed", "reactivated"),
        _(
            "Who is enrolled, the no-shows (recorded, not a reason to close), why episodes "
            "close, and who comes back."
        ),
    ),
    GoalImage(
        10,
        _("That care and support listen to, involve and support my network"),
        ("intervention_persons", "interventions"),
        _(
            "Relatives' support among the interventions; what the relatives may be told is "
            "in each person's consent. The relatives' survey asks whether they are listened "
            "to and get support of their own."
        ),
    ),
]


COMMON_TEXT = _(
    "Every figure is per unit and period. The period's days are local days (Swedish time), "
    "both ends included. Age is the age in whole years on the first day of the period: a "
    "person who turns 18 during the period is counted with their age on its first day. Sex is "
    "the legal sex in the population register. A person is counted once per unit and group."
)

MUNICIPALITY_TEXT = _(
    "By municipality, a person is counted in their municipality of residence as it is "
    "registered now, in the person's details: no earlier residence is kept, so a person who "
    "has moved is counted in their present municipality for every period. A person with no "
    "municipality registered is counted under “Unknown municipality”. The columns are the "
    "municipalities the unit serves and every other one its persons live in; the total is the "
    "sum of the columns. The cost key by use counts the clients enrolled during the year by "
    "the same rule."
)

SUPPRESSION_TEXT = _(
    "Small numbers are suppressed wherever figures cross units or leave the unit (the county "
    "comparison, trends shared outside the unit, every export): a count of 1 to 4 is shown as "
    "“<5” (0 is shown: it is no one). A share, rate, median or mean computed from a count of "
    "1 to 4, or from a count that is hidden, is shown as “–”. So that a hidden count cannot be "
    "worked out by subtraction, where figures add up (the groups of a breakdown to the total, "
    "the sub-rows to their row) and just one of them is hidden, the smallest other non-zero "
    "figure is hidden too, shown as “–” (it may be of any size)."
)
