// The customer form: Previous/Next walk the tabs ("same as billing" is static/js/addresses.js).
(() => {
  const form = document.getElementById("customer-form");
  if (!form) return;
  const tabs = [...form.querySelectorAll('[data-bs-toggle="tab"]')];
  form.querySelectorAll("[data-tab-step]").forEach((button) => button.addEventListener("click", () => {
    const current = tabs.findIndex((tab) => tab.classList.contains("active"));
    const next = tabs[Math.min(tabs.length - 1, Math.max(0, current + Number(button.dataset.tabStep)))];
    bootstrap.Tab.getOrCreateInstance(next).show();
    next.focus();
  }));
})();
