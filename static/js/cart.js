// Portal order confirmation: "shipping same as billing" hides (and disables) the shipping fields.
document.addEventListener("change", (event) => {
  if (event.target.name !== "shipping_same") return;
  const fields = document.getElementById("shipping-fields");
  if (!fields) return;
  fields.hidden = event.target.checked;
  fields.disabled = event.target.checked;
});
