// The printable SIP: the button opens the browser's print dialogue (print, or save as PDF).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelector("[data-print]")?.addEventListener("click", () => window.print());
});
