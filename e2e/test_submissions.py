"""A create form is sent once in a real browser: a double click on its submit button (helhet.js)
sends one request and saves one contact; the very same request sent again (its one-time key
with it) gives the first result, not a second contact."""

from playwright.sync_api import expect

from helhet.contacts.models import Contact


def fill_contact(page) -> None:
    page.get_by_label("Duration (minutes)").fill("20")
    page.get_by_label("Note").fill("Talked about the week ahead.")


def test_a_double_click_on_submit_sends_the_contact_form_once(site, ui):
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/contacts/new/")
    fill_contact(page)
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.get_by_role("button", name="Record contact").dblclick()
    expect(page.get_by_role("status")).to_contain_text("The contact is recorded.")
    ui.check("contact list")
    assert len(posts) == 1
    assert Contact.objects.count() == 1


def test_a_keyed_form_lets_one_submit_through_and_disables_its_button(site, ui):
    """helhet.js itself: a second submit of the form is stopped, its button disabled (the
    submits are counted, and stopped, by a listener after helhet.js's own)."""
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/contacts/new/")
    sent = page.evaluate(
        """() => new Promise((resolve) => {
            let passed = 0;
            window.addEventListener("submit", (event) => {
                if (!event.defaultPrevented) passed += 1;
                event.preventDefault();
            });
            const form = document.querySelector('input[name="submission"]').form;
            form.requestSubmit();
            form.requestSubmit();
            setTimeout(() => resolve([passed, form.querySelector("button").disabled]), 50);
        })"""
    )
    assert sent == [1, True]
    assert not Contact.objects.exists()


def test_the_same_form_sent_again_by_the_browser_gives_the_first_result(site, ui):
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/contacts/new/")
    fill_contact(page)
    with page.expect_request(lambda request: request.method == "POST") as sent:
        page.get_by_role("button", name="Record contact").click()
    expect(page.get_by_role("status")).to_contain_text("The contact is recorded.")
    first = sent.value
    # The very same request again (the browser's cookies, the form's CSRF token and key).
    again = page.request.post(
        first.url,
        data=first.post_data,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        max_redirects=0,
    )
    assert again.status == 302
    assert again.headers["location"] == f"/persons/{site.patient.pk}/contacts/"
    ui.goto(again.headers["location"])
    expect(page.get_by_role("status")).to_contain_text("This was already saved.")
    ui.check("already saved")
    assert Contact.objects.count() == 1
