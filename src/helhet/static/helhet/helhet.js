// A form sent back with errors: move the focus to its error summary, whose links lead to the
// fields (the pattern of the GOV.UK design system). Nothing else is focused on load, so on every
// other page the first Tab reaches the skip link. No inline scripts: a strict CSP needs no
// exceptions.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelector(".error-summary")?.focus();
});

// The idle logout (core/idle.py): warn before the session ends, with a button that renews it.
// The time of the last request is shared by the user's tabs (localStorage), so that working in
// one tab keeps the others from warning.
(() => {
  const LAST = "helhet:last-request";
  const now = () => Date.now();
  const remember = () => {
    try { localStorage.setItem(LAST, String(now())); } catch (e) { /* storage off: this tab only */ }
  };
  const lastRequest = (seen) => {
    let shared = 0;
    try { shared = Number(localStorage.getItem(LAST)) || 0; } catch (e) { /* storage off */ }
    return Math.max(seen, shared);
  };

  document.addEventListener("DOMContentLoaded", () => {
    const box = document.getElementById("session-warning");
    if (!box) return;
    const idle = Number(box.dataset.idleSeconds) * 1000;
    const warning = Number(box.dataset.warningSeconds) * 1000;
    const stay = box.querySelector(".session-stay");
    const deadline = box.querySelector(".session-deadline");
    let seen = now();
    let signedOut = false;
    remember();

    const signOut = () => {
      signedOut = true;
      for (const el of box.querySelectorAll("[data-signed-out-text]")) {
        el.textContent = el.dataset.signedOutText;
      }
      stay.hidden = true;
    };
    const tick = () => {
      if (signedOut) return;
      const ends = lastRequest(seen) + idle;
      const left = ends - now();
      if (left <= 0) {
        signOut();
        box.hidden = false;
      } else if (left <= warning) {
        if (box.hidden) {
          const lang = document.documentElement.lang || undefined;
          deadline.textContent = new Date(ends).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
          box.hidden = false;
          stay.focus();
        }
      } else if (!box.hidden) {
        box.hidden = true;  // another tab renewed the session
      }
    };
    stay.addEventListener("click", async () => {
      let response;
      try {
        response = await fetch(box.dataset.stayUrl, { credentials: "same-origin", redirect: "manual" });
      } catch (e) {
        return;  // no answer: the warning stays, and so does the button
      }
      if (response.ok) {
        seen = now();
        remember();
        box.hidden = true;
      } else {
        signOut();
      }
    });
    document.body.addEventListener("htmx:afterRequest", () => { seen = now(); remember(); });
    window.addEventListener("storage", (event) => { if (event.key === LAST) tick(); });
    setInterval(tick, 1000);
  });
})();

// A form sent after the idle logout is kept (core/idle.py): after signing in, its fields are
// filled in again here — never sent — in the form that has the same action (else the first
// form with those fields). Hidden fields are the page's own.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("helhet-kept-form");
  if (!data) return;
  const kept = JSON.parse(data.textContent);
  const forms = [...document.querySelectorAll("form[method=post], form[method=POST]")];
  const names = Object.keys(kept.fields);
  const form = forms.find((f) => new URL(f.action, location.href).pathname === kept.action)
    || forms.find((f) => names.some((name) => f.elements.namedItem(name)));
  if (!form) return;
  for (const name of names) {
    const values = kept.fields[name];
    for (const field of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (field.type === "hidden" || field.type === "file" || field.type === "submit") continue;
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.includes(field.value);
      } else if (field.tagName === "SELECT" && field.multiple) {
        for (const option of field.options) option.selected = values.includes(option.value);
      } else {
        field.value = values[0] ?? "";
      }
    }
  }
  form.querySelector("input:not([type=hidden]), textarea, select")?.focus();
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
