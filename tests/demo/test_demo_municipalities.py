"""The demo county's persons live in several municipalities, as a team serving several does: the
follow-up by municipality of the demo (issue 18, item 4)."""

from django.utils import timezone

from helhet.demo.county import saved_county
from helhet.followup import indicators, municipalities
from helhet.followup.periods import last_full_year
from helhet.people.models import Person

from .test_demo import demo  # noqa: F401 (a fixture)


def test_the_demos_follow_up_by_municipality_spreads_over_the_served_ones(demo):  # noqa: F811
    county = saved_county()
    period = last_full_year(timezone.localdate())
    report = indicators.unit_report(
        county.units["clinic"], period, breakdown="municipality", suppress=False
    )
    cells = report.row("enrolled").cells
    labels = [group.label for group in report.groups]
    assert labels[:3] == ["Total", "Norrby", "Söderby"]
    norrby, soderby = (municipalities.key_of(county.municipalities[c].pk) for c in ("9901", "9902"))
    assert cells[norrby].value > cells[soderby].value > 0
    assert cells["total"].value == sum(cells[g.key].value for g in report.groups[1:])
    # the ACT team takes residents of any municipality: the county's persons live in more
    assert Person.objects.values("municipality").distinct().count() >= 3
