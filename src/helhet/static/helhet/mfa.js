// The MFA pages (core/mfa/): the recovery codes' print button, and the device list shown again
// once a passkey is registered (django-otp-webauthn's script sends the event). No inline script.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.print-page")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
document.addEventListener("otp_webauthn.register_complete", () => window.location.reload());
