"""The follow-up's widest tables at a common laptop width (1366 × 768), in Swedish: every
table by age group fits, or scrolls inside a region that is named and reached with Tab, so no
column is cut off; axe checks the page."""

import re

from django.conf import settings
from playwright.sync_api import expect

from .test_followup import enrol_last_year, steering_member

# Each table's wrapper and whether the table fits in it as shown, and where it ends.
MEASURE = """() => [...document.querySelectorAll('table.figures')].map(table => {
  const box = table.parentElement;
  return {
    caption: table.caption.textContent,
    fits: table.scrollWidth <= box.clientWidth + 1,
    right: Math.round(box.getBoundingClientRect().right),
    scrolls: getComputedStyle(box).overflowX === 'auto',
    focusable: box.tabIndex === 0,
    named: box.getAttribute('role') === 'region' && !!box.getAttribute('aria-labelledby'),
  };
})"""


def test_the_age_tables_fit_or_scroll_in_a_named_region_at_1366_pixels(site, new_ui):
    year = enrol_last_year(site, 7)
    ui = new_ui()
    ui.page.set_viewport_size({"width": 1366, "height": 768})
    page = ui.log_in(steering_member(site))
    # then in Swedish (the log-in helper reads the English labels)
    ui.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "sv", "url": ui.base_url}]
    )
    page.goto(f"/followup/units/{site.clinic.pk}/?kind=year&year={year}&breakdown=age")
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.clinic.name)
    ui.check("age tables at 1366")

    tables = page.evaluate(MEASURE)
    assert len(tables) > 5
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no page scrolling
    for table in tables:
        assert table["right"] <= width, table
        assert table["fits"] or (table["scrolls"] and table["focusable"] and table["named"]), table

    # A region that scrolls is reached with Tab and scrolled with the arrow keys.
    wide = page.locator(".fu-table[role=region]").first
    wide.focus()
    expect(wide).to_be_focused()
    expect(wide).to_have_accessible_name(re.compile(r"^Inskrivning, "))
