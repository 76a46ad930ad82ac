"""The Content-Security-Policy in the browser: it is enforced (an inline script is refused and
the refusal is a console error, which Ui.check fails on), and the pages that run scripts work
under it: htmx's lazily loaded overview blocks, the language switch, the lockout page."""

from playwright.sync_api import expect

from helhet.core.models import User


def test_the_browser_refuses_an_inline_script_and_says_so(ui, transactional_db):
    page = ui.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.inlineRan = true';
            document.body.append(s);
        }"""
    )
    assert page.evaluate("() => window.inlineRan === undefined")
    assert any("Content Security Policy" in e for e in ui.console_errors), ui.console_errors
    ui.console_errors.clear()


def test_a_signed_in_person_page_loads_its_htmx_blocks_under_the_policy(ui, county):
    county.patient.refresh_from_db()
    ui.log_in(county.nurse)
    page = ui.goto(f"/persons/{county.patient.pk}/")
    ui.settle()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.check("overview under the policy")  # no console errors: nothing was refused


def test_the_locked_out_page_shows_under_the_policy(ui, county):
    nurse: User = county.nurse
    page = ui.goto("/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill(nurse.username)
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Log in").click()
        ui.settle()
    expect(page.get_by_role("heading", name="Too many failed attempts")).to_be_visible()
    ui.console_errors = [e for e in ui.console_errors if "status of 429" not in e]
    ui.check("locked out")
