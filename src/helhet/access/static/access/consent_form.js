// The consent form: the grid of directions is read only with "Choose myself", so it is shown
// only then. Without JavaScript it is always shown (and a preset wins over it on the server).
document.addEventListener("DOMContentLoaded", () => {
  const choices = document.getElementById("consent-choices");
  if (!choices) return;
  const presets = document.querySelectorAll('input[name="preset"]');
  const update = () => {
    const chosen = document.querySelector('input[name="preset"]:checked');
    choices.hidden = !chosen || chosen.value !== choices.dataset.shownWith;
  };
  presets.forEach((radio) => radio.addEventListener("change", update));
  update();
});
