// Weak signal never loses a tap silently: every htmx request that changes something shows that it is saving, a
// saved one says so briefly, and a failed one (no network, timeout, server error) says it was NOT saved, with a
// button that sends it again. Every tap not saved stays announced until it is sent again, even when later taps are
// saved, and "Try again" sends each of them, in order, with the very values it sent the first time (not the form as
// it reads now), into the part of the screen it was meant for, even if that part was redrawn meanwhile. Background
// refreshes (GET) never hide a tap that was not saved, and leaving the page with one asks first. The texts come
// translated from the page (#net-status data-*).
(function () {
  "use strict";
  const RETRY_HEADER = "X-Chibo-Retry";
  const NOT_SAVED_HEADER = "X-Not-Saved"; // apps.common.views.NOT_SAVED
  let failed = []; // the requests not saved, oldest first
  const resent = {}; // retry id → the failed request being sent again
  let nextId = 0;
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

  function hide() {
    const b = box();
    if (!b) return;
    clearTimeout(hideTimer);
    b.hidden = true;
  }

  // The server answered but refused the change (e.g. an absence with reason and no reason): the fragment it sent
  // says why; nothing was saved, and sending it again would not help.
  function refused(detail) {
    return Boolean(detail.xhr && detail.xhr.getResponseHeader(NOT_SAVED_HEADER));
  }

  function changes(config) {
    return config && config.verb && config.verb.toLowerCase() !== "get";
  }

  function swapOf(elt) {
    const holder = elt && elt.closest ? elt.closest("[hx-swap]") : null;
    return holder ? holder.getAttribute("hx-swap") : window.htmx.config.defaultSwapStyle;
  }

  function retried(detail) {
    const id = ((detail.etc && detail.etc.headers) || {})[RETRY_HEADER];
    const request = id ? resent[id] : null;
    if (id) delete resent[id];
    return request;
  }

  function failedRequest(detail, again) {
    if (again) return again; // a retry that failed again: the same request, as first sent
    const target = detail.target;
    return {
      verb: detail.requestConfig.verb,
      path: detail.requestConfig.path,
      values: detail.requestConfig.formData, // what was sent (the form may change before the retry)
      target: target,
      targetId: target && target.id,
      swap: swapOf(detail.elt),
    };
  }

  function send(request) {
    const id = String(++nextId);
    resent[id] = request;
    // Into the element it was meant for, or the one drawn in its place since; no form as the source, so the
    // values are exactly those first sent. If that part of the screen is gone, the tap is still sent.
    let target = request.target && request.target.isConnected ? request.target : null;
    if (!target && request.targetId) target = document.getElementById(request.targetId);
    const headers = {};
    headers[RETRY_HEADER] = id;
    return window.htmx.ajax(request.verb.toUpperCase(), request.path, {
      source: target || document.body,
      target: target || document.body,
      swap: target ? request.swap : "none",
      values: request.values,
      headers: headers,
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) window.htmx.config.timeout = 20000; // a request on a dead line gives up and says so
    const b = box();
    if (!b) return;
    b.querySelector(".net-retry").addEventListener("click", function () {
      const again = failed;
      failed = [];
      let chain = Promise.resolve();
      again.forEach(function (request) {
        // One after the other, in the order they were tapped; one failing again does not stop the others.
        chain = chain.then(function () { return send(request); }).catch(function () {});
      });
    });
  });

  // Leaving the page (a link, a form, a reload) would drop the taps not saved: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (!failed.length) return;
    event.preventDefault();
    event.returnValue = "";
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    const config = event.detail.requestConfig;
    if (!changes(config)) return;
    if (event.detail.elt !== document.body) event.detail.elt.classList.add("saving");
    show("saving", false);
  });

  // htmx fires afterRequest for every ending: success, server error, network error, abort and timeout.
  document.addEventListener("htmx:afterRequest", function (event) {
    const detail = event.detail;
    if (detail.elt) detail.elt.classList.remove("saving");
    if (changes(detail.requestConfig)) {
      const again = retried(detail);
      if (!detail.successful) failed.push(failedRequest(detail, again));
      if (failed.length) show("failed", true);
      else if (refused(detail)) hide();
      else show("saved", false);
      return;
    }
    if (failed.length) return; // a background refresh: the taps not saved matter more
    if (!detail.successful) show("offline", false); // the screen may be out of date
    else if (box() && box().dataset.state === "offline") box().hidden = true; // polling works again
  });
})();
