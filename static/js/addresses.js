// "Same as billing", one behaviour for every address form (the customer form, the portal signup):
// while the form's shipping_same_as_billing box is ticked its [data-shipping-fields] panel is
// hidden and its fields disabled (so they are not sent); a field marked data-needed is required
// only while shown. A [data-copy-billing] button copies the billing fields into shipping.
(() => {
  document.querySelectorAll("form").forEach((form) => {
    const same = form.querySelector("[name=shipping_same_as_billing]");
    const panel = form.querySelector("[data-shipping-fields]");
    if (!same || !panel) return;
    const sync = () => {
      panel.hidden = same.checked;
      panel.querySelectorAll("input, select, textarea").forEach((field) => {
        field.disabled = same.checked;
        if (field.dataset.needed === "1") field.required = !same.checked;
      });
    };
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
  });
})();
