"""Properties of scoring over every form hypothesis can fill in, for both bundled instruments."""

from hypothesis import given
from hypothesis import strategies as st

from helhet.assessments.scoring import score

from .utils import AUDIT, DUDIT

INSTRUMENTS = st.sampled_from([AUDIT, DUDIT])
SEXES = st.sampled_from(["female", "male", "unknown"])
AGES = st.none() | st.integers(min_value=0, max_value=110)


def answers_for(instrument):
    """Complete answers to INSTRUMENT, every item answered by one of its scores."""
    return st.fixed_dictionaries(
        {item.number: st.sampled_from(item.scores) for item in instrument.items}
    )


def filled_forms():
    """(instrument, complete answers) for either bundled instrument."""
    return INSTRUMENTS.flatmap(lambda chosen: st.tuples(st.just(chosen), answers_for(chosen)))


def zone_index(result):
    return result.instrument.zones.index(result.zone)


@given(filled_forms(), SEXES, AGES)
def test_total_is_the_sum_of_the_answers_and_within_the_range(form, sex, age):
    instrument, answers = form
    result = score(instrument, answers, sex=sex, age=age)

    assert result.complete
    assert result.total == sum(answers.values())
    assert 0 <= result.total <= {"audit": 40, "dudit": 44}[instrument.code]
    for subscore in instrument.subscores:
        assert result.subscores[subscore.code] == sum(answers[n] for n in subscore.items)
        assert 0 <= result.subscores[subscore.code] <= subscore.range.max


@given(filled_forms(), SEXES, AGES)
def test_each_cut_off_is_positive_exactly_at_or_above_its_value(form, sex, age):
    instrument, answers = form
    result = score(instrument, answers, sex=sex, age=age)

    for cutoff in result.cutoffs:
        code = cutoff.cutoff.score
        compared = result.total if code == "total" else result.subscores[code]
        assert cutoff.score == compared
        assert cutoff.at_or_above == (compared >= cutoff.value)


@given(INSTRUMENTS, SEXES, AGES, st.data())
def test_zone_by_total_never_falls_as_the_total_rises(instrument, sex, age, data):
    # Of two forms of the same instrument, the one with the higher total is never in a lower
    # zone by total (the zone-raising rule aside).
    forms = [data.draw(answers_for(instrument)) for _ in range(2)]
    low, high = sorted(
        (score(instrument, answers, sex=sex, age=age) for answers in forms),
        key=lambda result: result.total,
    )
    zones = instrument.zones

    assert zones.index(low.zone_by_total) <= zones.index(high.zone_by_total)


@given(filled_forms(), SEXES, AGES, st.data())
def test_raising_one_answer_never_lowers_the_total_the_zone_or_a_cut_off(form, sex, age, data):
    instrument, answers = form
    number = data.draw(st.sampled_from(sorted(answers)))
    higher = [s for s in instrument.item(number).scores if s > answers[number]]
    before = score(instrument, answers, sex=sex, age=age)
    if not higher:
        return
    after = score(
        instrument, {**answers, number: data.draw(st.sampled_from(higher))}, sex=sex, age=age
    )

    assert after.total > before.total
    assert zone_index(after) >= zone_index(before)
    for was, now in zip(before.cutoffs, after.cutoffs, strict=True):
        assert now.at_or_above or not was.at_or_above


@given(filled_forms(), SEXES, AGES)
def test_the_zone_is_the_zone_by_total_or_the_next_one_up(form, sex, age):
    instrument, answers = form
    result = score(instrument, answers, sex=sex, age=age)
    quiet = all(answers[n] < 2 for n in (4, 5, 6)) and all(answers[n] < 4 for n in (9, 10))

    steps = zone_index(result) - instrument.zones.index(result.zone_by_total)
    assert steps in (0, 1)
    assert steps == (1 if result.raised_by and result.zone_by_total != instrument.zones[-1] else 0)
    if instrument is DUDIT or quiet:
        assert result.zone == result.zone_by_total


@given(filled_forms(), SEXES, AGES, st.data())
def test_a_form_with_unanswered_items_has_no_total_and_no_zone(form, sex, age, data):
    instrument, answers = form
    dropped = data.draw(st.sets(st.sampled_from(sorted(answers)), min_size=1))
    partial = {n: (None if n in dropped and n % 2 else s) for n, s in answers.items()}
    partial = {n: s for n, s in partial.items() if not (n in dropped and n % 2 == 0)}

    result = score(instrument, partial, sex=sex, age=age)

    assert not result.complete
    assert result.missing == tuple(sorted(dropped))
    assert (result.total, result.zone, result.zone_by_total) == (None, None, None)
    assert result.answers == {n: s for n, s in answers.items() if n not in dropped}
