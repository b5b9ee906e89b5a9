// Security keys (WebAuthn) for two-factor sign-in. A button
//   <button data-mfa-webauthn="add|authenticate" data-mfa-options="<json_script id>">
// asks the browser for a new key or for a signature, puts the answer in the form's hidden
// "credential" field and submits the form. webauthn-json (from allauth) is loaded first.
(() => {
  const ceremonies = {
    add: (options) => window.webauthnJSON.create(options.creation_options),
    authenticate: (options) => window.webauthnJSON.get(options.request_options),
  };

  document.querySelectorAll("[data-mfa-webauthn]").forEach((button) => {
    const ceremony = ceremonies[button.dataset.mfaWebauthn];
    const form = button.closest("form");
    const credential = form.querySelector("input[name='credential']");
    const error = form.querySelector("[data-mfa-error]");
    if (!ceremony || !credential) return;
    if (!window.PublicKeyCredential) {
      // This browser (or a page not on https or localhost) offers no WebAuthn.
      button.disabled = true;
      if (error) error.classList.remove("d-none");
      return;
    }
    button.addEventListener("click", async () => {
      const options = JSON.parse(document.getElementById(button.dataset.mfaOptions).textContent);
      button.disabled = true;
      if (error) error.classList.add("d-none");
      try {
        credential.value = JSON.stringify(await ceremony(options));
        form.submit();
      } catch (exception) {
        // Cancelled, timed out or refused by the key: let the user try again.
        button.disabled = false;
        if (error) error.classList.remove("d-none");
      }
    });
  });
})();
