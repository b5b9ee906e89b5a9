// Portal order confirmation: "shipping same as billing" hides (and disables) the shipping fields.
document.addEventListener("change", (event) => {
  if (event.target.name !== "shipping_same") return;
  const fields = document.getElementById("shipping-fields");
  if (!fields) return;
  fields.hidden = event.target.checked;
  fields.disabled = event.target.checked;
});

// Adding a product from the catalogue, or removing a line, carries along what was typed in the
// cart and not saved yet (quantities, reference, notes), so neither loses it (portal/cart_views.py).
document.addEventListener("submit", (event) => {
  const add = event.target.closest("form.add-to-order, form.remove-line");
  const cart = document.getElementById("cart-form");
  if (!add || !cart) return;
  add.querySelectorAll("input[data-from-cart]").forEach((input) => input.remove());
  for (const [name, value] of new FormData(cart)) {
    if (name === "csrfmiddlewaretoken") continue;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    input.dataset.fromCart = "";
    add.append(input);
  }
});
