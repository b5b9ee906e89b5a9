// The quotation line editor: rows added by htmx, removed here, and a keyboard-friendly picker.
(() => {
  const form = document.getElementById("quotation-form");
  if (!form) return;
  const rows = document.getElementById("line-rows");
  const total = form.querySelector("input[name='lines-TOTAL_FORMS']");
  const changed = () => document.body.dispatchEvent(new Event("lines-changed"));
  const results = (row) => row.querySelectorAll(".product-choice");

  // Every editor request carries the row index, the customer and the chosen currency.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const elt = event.detail.elt;
    const params = event.detail.parameters;
    if (elt.id === "add-line") {
      params.index = total.value;
    } else if (elt.classList.contains("product-choice")) {
      const row = elt.closest("tr");
      const quantity = row && row.querySelector("input[name$='-quantity']");
      if (quantity && quantity.value) params.quantity = quantity.value;
    } else if (!elt.classList.contains("product-search") && !elt.classList.contains("line-rate")) {
      return;
    }
    params.customer = form.querySelector("#quotation-customer").value;
    params.currency = form.querySelector("[name='currency']").value;
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target === rows) {
      total.value = String(Number(total.value) + 1);
    } else if (target.classList && target.classList.contains("picker-results")) {
      const search = target.parentElement.querySelector(".product-search");
      search.setAttribute("aria-expanded", target.querySelector(".product-choice") ? "true" : "false");
    }
  });

  // Focus moves once htmx has wired the new content, so typing straight away is never lost.
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const elt = event.detail.elt;
    if (elt === rows) {
      const search = rows.lastElementChild && rows.lastElementChild.querySelector(".product-search");
      if (search) search.focus();
    } else if (elt && elt.classList && elt.classList.contains("line-row")) {
      // A row filled from a product replaced itself: on to its quantity, and new totals.
      const quantity = elt.querySelector("input[name$='-quantity']");
      if (quantity) { quantity.focus(); quantity.select(); }
      changed();
    }
  });

  rows.addEventListener("click", (event) => {
    const remove = event.target.closest(".remove-line");
    if (!remove) return;
    const row = remove.closest("tr");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();  // a gap in the indexes is fine: the server skips missing rows
    if (!rows.querySelector(".line-row")) {
      document.getElementById("add-line").click();
    } else if (next) {
      const focusable = next.querySelector(".remove-line");
      if (focusable) focusable.focus();
    }
    changed();
  });

  rows.addEventListener("keydown", (event) => {
    const search = event.target.closest(".product-search");
    const choice = event.target.closest(".product-choice");
    const row = event.target.closest("tr");
    if (search) {
      const options = results(row);
      if (event.key === "Enter") {
        event.preventDefault();  // Enter picks a product; it never submits the quotation
        if (options.length) options[0].click();
      } else if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        options[0].focus();
      } else if (event.key === "Escape") {
        row.querySelector(".picker-results").innerHTML = "";
        search.setAttribute("aria-expanded", "false");
      }
    } else if (choice) {
      const options = Array.from(results(row));
      const at = options.indexOf(choice);
      if (event.key === "ArrowDown" && at < options.length - 1) {
        event.preventDefault();
        options[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? options[at - 1] : row.querySelector(".product-search")).focus();
      } else if (event.key === "Escape") {
        const input = row.querySelector(".product-search");
        row.querySelector(".picker-results").innerHTML = "";
        input.focus();
      }
    }
  });

  // Enter in any other line field moves on instead of submitting half-typed lines.
  form.addEventListener("keydown", (event) => {
    const input = event.target;
    if (event.key === "Enter" && input.matches("#line-rows input:not(.product-search)")) {
      event.preventDefault();
      const fields = Array.from(form.querySelectorAll("#line-rows input:not([type=hidden]), #line-rows button"));
      const next = fields[fields.indexOf(input) + 1];
      if (next) next.focus();
    }
  });
})();
