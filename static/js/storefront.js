// Storefront enhancements; every page works without them.
(function () {
  "use strict";
  // The filters search on every change; Apply (or Enter) right after a change asks for nothing new, so a search
  // for what is already shown, or already on its way, is not sent again (it would abort the first one).
  function filterQuery(query) {
    var params = new URLSearchParams(query);
    var kept = new URLSearchParams();
    params.forEach(function (value, name) { if (value !== "") kept.append(name, value); });
    kept.sort();
    return kept.toString();
  }
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "filters") return;
    var wanted = filterQuery(new FormData(form));
    var current = form.mallInFlight ? form.mallInFlight.query : filterQuery(window.location.search);
    if (wanted === current) event.preventDefault();
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.id === "filters") form.mallInFlight = {xhr: event.detail.xhr, query: filterQuery(new FormData(form))};
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.mallInFlight && form.mallInFlight.xhr === event.detail.xhr) form.mallInFlight = null;
  });

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
