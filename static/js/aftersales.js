// After-sales pages: each case's deadline counts down in place ([data-deadline], an ISO time; the server renders
// the date itself, so nothing is lost without script). Regions swapped in by live refreshes count down too.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function left(ms, days) {  // days: the page's own wording of "N days and a time" ("{d}d {t}", "{d} 天 {t}")
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), time = pad(h) + ":" + pad(m) + ":" + pad(s % 60);
    return d > 0 && days ? days.replace("{d}", String(d)).replace("{t}", time) : (d ? d + "d " : "") + time;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(due)) return;
      if (el._skew === undefined) {  // count on the server's clock, not this device's
        var server = Date.parse(el.getAttribute("data-now") || "");
        el._skew = isNaN(server) ? 0 : server - Date.now();
      }
      var out = el.querySelector(".as-countdown");
      if (!out) {
        out = document.createElement("span");
        out.className = "as-countdown";
        out.setAttribute("aria-hidden", "true");
        el.appendChild(out);
      }
      var ms = due - (now + el._skew);
      el.classList.toggle("as-due", ms <= 0);
      el.classList.toggle("as-soon", ms > 0 && ms < 86400000);
      out.textContent = ms <= 0 ? el.getAttribute("data-overdue") : left(ms, el.getAttribute("data-days"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSettle", tick);
})();
