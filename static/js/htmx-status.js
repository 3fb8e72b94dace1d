// Weak signal never loses a tap silently: every htmx request that changes something shows that it is saving, a
// saved one says so briefly, and a failed one (no network, timeout, server error) says it was NOT saved, with a
// button that sends the same request again. The texts come translated from the page (#net-status data-*).
(function () {
  "use strict";
  let failed = null;
  let hideTimer = null;

  function box() {
    return document.getElementById("net-status");
  }

  function show(state, retry) {
    const b = box();
    if (!b) return;
    clearTimeout(hideTimer);
    b.dataset.state = state;
    b.querySelector(".net-text").textContent = b.dataset[state] || "";
    b.querySelector(".net-retry").hidden = !retry;
    b.hidden = false;
    if (state === "saved") hideTimer = setTimeout(function () { b.hidden = true; }, 2000);
  }

  function changes(config) {
    return config && config.verb && config.verb.toLowerCase() !== "get";
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) window.htmx.config.timeout = 20000; // a request on a dead line gives up and says so
    const b = box();
    if (!b) return;
    b.querySelector(".net-retry").addEventListener("click", function () {
      if (!failed) return;
      const again = failed;
      failed = null;
      const values = {};
      if (again.formData) again.formData.forEach(function (value, key) { values[key] = value; });
      window.htmx.ajax(again.verb.toUpperCase(), again.path, { source: again.elt, target: again.target, values: values });
    });
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    const config = event.detail.requestConfig;
    if (!changes(config)) return;
    event.detail.elt.classList.add("saving");
    show("saving", false);
  });

  function settle(event, ok) {
    const config = event.detail.requestConfig;
    if (event.detail.elt) event.detail.elt.classList.remove("saving");
    if (ok) {
      if (changes(config)) show("saved", false);
      else if (box() && box().dataset.state === "offline") box().hidden = true; // polling works again
      return;
    }
    if (changes(config)) {
      failed = { verb: config.verb, path: config.path, elt: event.detail.elt, target: config.target, formData: config.formData };
      show("failed", true);
    } else if (box() && box().dataset.state !== "failed") {
      show("offline", false); // a background refresh failed: the screen may be out of date
    }
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    settle(event, event.detail.successful);
  });
  document.addEventListener("htmx:timeout", function (event) { settle(event, false); });
})();
