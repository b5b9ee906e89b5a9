// Portal signup: "Same as billing" hides the shipping fields and keeps them out of the submitted form.
(() => {
  const box = document.querySelector("[data-same-as-billing]");
  const panel = document.getElementById("shipping-fields");
  if (!box || !panel) return;
  const sync = () => {
    panel.hidden = box.checked;
    panel.querySelectorAll("[data-shipping-field]").forEach((field) => {
      field.disabled = box.checked;
      field.required = !box.checked && field.dataset.needed === "1";
    });
  };
  box.addEventListener("change", sync);
  sync();
})();
