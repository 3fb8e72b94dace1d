// A form that posts and leaves the page is sent once: after the first click its submit buttons are disabled, and
// a second submit is ignored. The server is what guarantees it (a one-time token, apps/common/idempotency.py);
// this only spares a slow phone the second request. htmx forms are left to htmx.
(function () {
  "use strict";
  var HTMX = ["hx-post", "hx-get", "hx-put", "hx-patch", "hx-delete", "data-hx-post"];
  var RELEASE_MS = 15000; // a download or an unanswered request: the buttons come back

  function release(form) {
    delete form.dataset.submitting;
    form.querySelectorAll("[data-submit-once-disabled]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-submit-once-disabled");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // The attribute, not form.method: a field named "method" (opening a vote) would stand in its place.
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (HTMX.some(function (name) { return form.hasAttribute(name); })) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // Disabled after this tick, so the clicked button's own name and value are still sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-submit-once-disabled", "");
        }
      });
    }, 0);
    window.setTimeout(function () { release(form); }, RELEASE_MS);
  });

  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-submitting]").forEach(release);
  });
})();
