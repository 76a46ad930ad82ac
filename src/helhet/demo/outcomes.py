"""The demo county's outcomes: at intake and at each follow-up where AUDIT and DUDIT are taken
(`journeys.Journeys._assessments` gives the days and who recorded them), drawn from a random
generator of their own (the journeys' draws stay as they were), so the same seed gives the
same outcomes. Most persons improve a little: fewer in psychiatric inpatient care, fewer
homeless, more at work or studies at follow-up than at intake."""

import random

from helhet.outcomes.models import Outcome, ProblemArea

from . import bulk

AREAS = {  # the chance of each problem area at intake
    ProblemArea.ALCOHOL: 0.6,
    ProblemArea.NARCOTICS: 0.45,
    ProblemArea.MEDICINES: 0.2,
    ProblemArea.DOPING: 0.03,
    ProblemArea.GAMBLING: 0.07,
}
DIAGNOSES = ("F10.2", "F12.2", "F13.2", "F15.2", "F19.2", "F32.1", "F41.1", "F43.1", "F60.3")
H, W = Outcome.Housing, Outcome.Occupation
HOUSING = {H.OWN: 15, H.RENTED: 35, H.SUPPORTED: 15, H.INSTITUTION: 5, H.HOMELESS: 25, H.OTHER: 5}
OCCUPATION = {
    W.WORK: 15,
    W.STUDIES: 5,
    W.COMPENSATION: 25,
    W.ASSISTANCE: 30,
    W.UNEMPLOYED: 15,
    W.PENSION: 5,
    W.OTHER: 5,
}
MAKE = bulk.Maker(Outcome)
INPATIENT_SHARE = 0.3  # of persons at intake with psychiatric inpatient care in the last period
IMPROVING = 0.6  # the chance that a follow-up is better than the occasion before


def outcomes(seed: str, person, episode, occasions) -> list[Outcome]:
    """Unsaved outcomes of PERSON in EPISODE, one per OCCASIONS' (day, recorder, moment), the
    first at intake; SEED names the person's own draws."""
    rng = random.Random(f"outcomes-{seed}")
    areas = [area for area, chance in AREAS.items() if rng.random() < chance]
    state = {
        "areas": areas or [ProblemArea.ALCOHOL],
        "housing": _draw(rng, HOUSING),
        "occupation": _draw(rng, OCCUPATION),
        "inpatient": rng.random() < INPATIENT_SHARE,
        "diagnoses": rng.sample(DIAGNOSES, rng.randint(1, 3)),
    }
    rows = []
    for number, (day, recorder, moment) in enumerate(occasions):
        if number:
            _follow(rng, state)
        rows.append(
            MAKE(
                {"person": person, "episode": episode},
                unit_id=episode.unit_id,
                organisation_id=recorder.organisation_id,
                assessed_on=day,
                occasion=Outcome.Occasion.FOLLOW_UP if number else Outcome.Occasion.INTAKE,
                recorded_by_id=recorder.pk,
                recorded_at=moment,
                **_fields(rng, state, number),
            )
        )
    return rows


def _follow(rng: random.Random, state: dict) -> None:
    """The state at the next follow-up: better or worse than at the occasion before."""
    better = rng.random() < IMPROVING
    if better and state["housing"] == H.HOMELESS:
        state["housing"] = rng.choice((H.SUPPORTED, H.RENTED))
    elif not better and rng.random() < 0.15:
        state["housing"] = H.HOMELESS
    state["inpatient"] = (not better) and rng.random() < 0.4
    if better and state["occupation"] in (W.UNEMPLOYED, W.ASSISTANCE) and rng.random() < 0.3:
        state["occupation"] = rng.choice((W.WORK, W.STUDIES))


def _fields(rng: random.Random, state: dict, number: int) -> dict:
    episodes = rng.randint(1, 3) if state["inpatient"] else 0
    fields: dict[str, object] = {area: area in state["areas"] for area in ProblemArea.values}
    fields |= {
        "housing": state["housing"],
        "occupation": state["occupation"],
        "period_months": 6 if number == 0 else 3,
        "inpatient_episodes": episodes,
        "inpatient_days": episodes * rng.randint(2, 14),
        "emergency_visits": rng.randint(0, 4) if episodes or rng.random() < 0.2 else 0,
        "diagnoses": [],
        "no_diagnosis_reason": "",
    }
    if number == 0 and rng.random() < 0.25:  # not set yet at intake, for a reason
        fields["no_diagnosis_reason"] = rng.choice(
            (Outcome.NoDiagnosis.NOT_ASSESSED, Outcome.NoDiagnosis.ONGOING)
        )
    else:
        fields["diagnoses"] = state["diagnoses"]
    return fields


def _draw(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]
