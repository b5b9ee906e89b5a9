// Lumytic's own behaviour; htmx and Bootstrap are loaded before this file.
document.addEventListener("click", (event) => {
  // Buttons that change or delete something ask first: <button data-confirm="Really?">.
  const trigger = event.target.closest("[data-confirm]");
  if (trigger && !window.confirm(trigger.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
