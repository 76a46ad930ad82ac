// A form sent back with errors: move the focus to its error summary, whose links lead to the
// fields (the pattern of the GOV.UK design system). Nothing else is focused on load, so on every
// other page the first Tab reaches the skip link. No inline scripts: a strict CSP needs no
// exceptions.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelector(".error-summary")?.focus();
});

// A form with a one-time submission key (core/submissions.py) is sent once: a second click or
// Enter while the first is on its way does nothing, and its buttons are disabled. They are
// disabled after the submit event, so that the clicked button's name and value still go with
// the form. The server answers a copy that gets through with the first result anyway.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.querySelector('input[name="submission"]')) {
    return;
  }
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "true";
  setTimeout(() => {
    for (const button of form.querySelectorAll("button, input[type=submit]")) {
      button.disabled = true;
    }
  });
});

// Back to a page kept in the browser's cache: its forms may be sent again (with a new key only
// after a reload; the old one gives the first result).
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) {
    return;
  }
  for (const form of document.querySelectorAll("form[data-sent]")) {
    delete form.dataset.sent;
    for (const button of form.querySelectorAll("button, input[type=submit]")) {
      button.disabled = false;
    }
  }
});
