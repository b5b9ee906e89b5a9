// Lumytic's own behaviour; htmx and Bootstrap are loaded before this file.
document.addEventListener("click", (event) => {
  // Buttons that change or delete something ask first: <button data-confirm="Really?">.
  const trigger = event.target.closest("[data-confirm]");
  if (trigger && !window.confirm(trigger.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Filters that apply as soon as they change: <select data-autosubmit> (CSP allows no onchange="").
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit();
});

// Let htmx swap 4xx answers too: they carry the form with its error messages.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "4..", swap: true, error: false },
  { code: "...", swap: false, error: true },
];
