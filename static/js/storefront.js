// Storefront enhancements; every page works without them.
(function () {
  "use strict";
  // On phones the filter panel starts folded so results come first.
  function foldFilters() {
    if (!window.matchMedia("(max-width: 899px)").matches) return;
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (panel) {
      panel.removeAttribute("open");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", foldFilters);
  else foldFilters();

  // Regions marked data-swap-errors show the server's friendly 400/422 message instead of ignoring it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 422) && target && target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A price message swapped in (or cleared) by an htmx search marks its field invalid (or valid again).
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("#filters input[aria-describedby]").forEach(function (input) {
      var message = document.getElementById(input.getAttribute("aria-describedby"));
      if (message && !message.hidden) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  });

  // Product gallery: a thumbnail shows its picture in the main frame (without JS it opens the picture).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-gallery-src]");
    if (!link) return;
    var main = document.getElementById("gallery-main");
    if (!main) return;
    event.preventDefault();
    main.src = link.getAttribute("data-gallery-src");
    link.closest("ul").querySelectorAll("a[data-gallery-src]").forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    link.setAttribute("aria-current", "true");
  });
})();
