// The log extract's Print button: no inline handlers, so a strict CSP needs no exceptions.
document.getElementById("print-button")?.addEventListener("click", () => window.print());
