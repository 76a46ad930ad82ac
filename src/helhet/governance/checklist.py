"""The checklist of seed 004, Bilaga 1 ("Checklista" of the county's guidance for organised
integrated work), as data: each item's code (stored on `ChecklistItem.code`), its part and its
text, in English here and in Swedish in the translation catalogue (the guidance's own words).
Every agreement gets one row per item (`Agreement.save`), in this order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Item:
    code: str
    part: StrOrPromise
    text: StrOrPromise


AGREEMENT = _("Agreement")
ORGANISATION = _("Organisation of the work")
CONTENT = _("Content of the work")
FOLLOW_UP = _("Follow-up and evaluation")

ITEMS = (
    Item("written", AGREEMENT, _("Written agreement")),
    Item("responsibilities", AGREEMENT, _("Division of responsibilities")),
    Item("steering_group", AGREEMENT, _("Steering group")),
    Item("mission", AGREEMENT, _("Mission")),
    Item("goals", AGREEMENT, _("Goals")),
    Item("staff", AGREEMENT, _("Staff resources")),
    Item("user_influence", AGREEMENT, _("User influence")),
    Item("costs", AGREEMENT, _("Sharing of costs and funds")),
    Item("work_environment", AGREEMENT, _("Work environment")),
    Item("patient_safety", AGREEMENT, _("Patient safety")),
    Item("deviations", AGREEMENT, _("Deviations and disputes")),
    Item("changes", AGREEMENT, _("Changes to the agreement")),
    Item("form", ORGANISATION, _("Form of the work: clinic, mobile, digital")),
    Item("daily_lead", ORGANISATION, _("Leadership of the daily work")),
    Item("boundaries", ORGANISATION, _("Boundaries of responsibility and routines")),
    Item("sip_consent", ORGANISATION, _("SIP: consent")),
    Item("teamwork", ORGANISATION, _("Team-based work")),
    Item("best_knowledge", CONTENT, _("Best available knowledge, choice of interventions")),
    Item("shared_decisions", CONTENT, _("Shared decision-making: routines for ways of working")),
    Item("adapted", CONTENT, _("Adapting interventions to the person")),
    Item("knowledge_spread", CONTENT, _("Spreading knowledge")),
    Item("training", CONTENT, _("Joint training, method support and supervision")),
    Item("process", FOLLOW_UP, _("Follow-up of the process")),
    Item("results", FOLLOW_UP, _("Follow-up of the results")),
)
BY_CODE = {item.code: item for item in ITEMS}
CODES = [(item.code, item.text) for item in ITEMS]
