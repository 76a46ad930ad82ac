"""Shared helpers for the assessment tests: the bundled instruments and answer builders."""

from helhet.assessments.instruments import bundled_instrument

AUDIT = bundled_instrument("audit")
DUDIT = bundled_instrument("dudit")


def form(*scores: int | None) -> dict[int, int | None]:
    """Answers in item order: form(2, 1, 1, ...) answers item 1 with 2, item 2 with 1, ..."""
    return {number: score for number, score in enumerate(scores, 1)}


# AUDIT items with the most each may score without raising the zone: items 1–3, 7 and 8 up to 4,
# items 4–6 up to 1, items 9–10 up to 2.
_AUDIT_QUIET = [(1, 4), (2, 4), (3, 4), (7, 4), (8, 4), (4, 1), (5, 1), (6, 1), (9, 2), (10, 2)]


def audit_without_raise(total: int) -> dict[int, int | None]:
    """A complete AUDIT summing to TOTAL (0–23) that does not meet the zone-raising rule."""
    answers: dict[int, int | None] = {number: 0 for number in range(1, 11)}
    left = total
    for number, most in _AUDIT_QUIET:
        step = 2 if number in (9, 10) else 1  # items 9 and 10 score 0, 2 or 4
        while left >= step and answers[number] + step <= most:
            answers[number] += step
            left -= step
    assert left == 0, f"total {total} cannot be reached without raising the zone"
    return answers


def dudit_with_total(total: int) -> dict[int, int | None]:
    """A complete DUDIT summing to TOTAL, filling items 1–9 first (0–4 each), then 10 and 11."""
    answers: dict[int, int | None] = {number: 0 for number in range(1, 12)}
    left = total
    for number in range(1, 10):
        answers[number] = min(4, left)
        left -= answers[number]
    for number in (10, 11):
        answers[number] = min(4, left - left % 2)
        left -= answers[number]
    assert left == 0, f"total {total} is not a DUDIT total"
    return answers
