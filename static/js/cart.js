// Cart and checkout enhancements; every page works without them.
(function () {
  "use strict";
  if (window.mallCart) return;
  window.mallCart = true;
  // Regions marked data-swap-errors show the server's 400/409/422 answer (it explains what to fix).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 409 || status === 422) && target && target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // One click places a checkout: the button is disabled while the form is on its way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]") || event.defaultPrevented) return;
    var button = form.querySelector("[type=submit]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
    }
  });
})();
