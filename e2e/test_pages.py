"""Page-level checks that need no journey: the site's own assets are served."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_check


def test_stylesheet_is_served(live_server, transactional_db, ui):
    """helhet.css must be found by the static files' finders (and so by collectstatic)."""
    failed = []
    ui.page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/static/" in r.url
            else None
        ),
    )
    page = ui.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not failed, (
        f"static files not served: {failed}. src/helhet/static/ is not a source of static files: "
        "`helhet` is not an installed app and STATICFILES_DIRS is not set in helhet/settings.py."
    )
    # The stylesheet is applied: the skip link is moved off screen until focused.
    box = page.get_by_role("link", name="Skip to content").bounding_box()
    assert box is not None and box["x"] < 0, box


def test_axe_check_catches_violations(browser):
    """The checker is not vacuous: a page with known WCAG failures fails it, with the rule ids."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html><body><img src="x.png"><input type="text">'
            '<p style="color:#aaa;background:#fff">faint</p></body></html>'
        )
        with pytest.raises(pytest.fail.Exception) as failure:
            axe_check(page, step="negative control", report=False)
        message = str(failure.value)
        for rule in ("html-has-lang", "image-alt", "label", "color-contrast"):
            assert rule in message, message
    finally:
        context.close()
