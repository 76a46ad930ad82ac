// A form sent back with errors: move the focus to its error summary, whose links lead to the
// fields (the pattern of the GOV.UK design system). Nothing else is focused on load, so on every
// other page the first Tab reaches the skip link. No inline scripts: a strict CSP needs no
// exceptions.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelector(".error-summary")?.focus();
});
