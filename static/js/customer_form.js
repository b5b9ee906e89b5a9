// The customer form: Previous/Next walk the tabs, and the shipping address can follow billing.
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
  const same = form.querySelector("[name=shipping_same_as_billing]");
  const shipping = form.querySelector("[data-shipping-fields]");
  if (!same || !shipping) return;
  const sync = () => { shipping.hidden = same.checked; };
  same.addEventListener("change", sync);
  sync();
  form.querySelector("[data-copy-billing]")?.addEventListener("click", () => {
    form.querySelectorAll('[name^="billing_"]').forEach((source) => {
      const target = form.querySelector(`[name="${source.name.replace("billing_", "shipping_")}"]`);
      if (target) target.value = source.value;
    });
    same.checked = false;
    sync();
  });
})();
