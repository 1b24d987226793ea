// Promotions: countdowns to a deal's start or end on the server's clock. A root [data-promo-clock] carries
// data-now (the server's time when it was rendered), data-starts and data-ends (epoch ms); this flips its
// data-state (upcoming | running | ended: mall.css shows the matching [data-show] pieces, worded by the
// server) at the second and ticks its [data-countdown]. Prices change when the server says so: the
// `deals` channel asks the page's regions to reload themselves (realtime.js). Works without it: a reload
// shows the same.
(function () {
  "use strict";
  if (window.mallPromo) return;
  window.mallPromo = true;

  var timer = null;
  var started = false; // roots seen after the first paint came in a swap (a live refresh)

  function num(el, name) { return Number(el.getAttribute(name)); }

  // The server's clock minus this browser's, per root: a root rendered with the page is measured against
  // the moment the page arrived; one swapped in later (a live refresh) against the moment it is first seen.
  // (The page's own answer also says when the server sent it, in Server-Timing "now", even when the browser kept the
  // page and revalidated it.)
  function offset(root) {
    if (root._promoOffset === undefined) {
      var seen = Date.now();
      var server = num(root, "data-now");
      var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
      if (!started && nav && nav.responseStart > 0 && performance.timeOrigin) {
        seen = performance.timeOrigin + nav.responseStart;
        var sent = (nav.serverTiming || []).filter(function (t) { return t.name === "now"; })[0];
        if (sent) server = Number(sent.description);
      }
      root._promoOffset = server - seen;
    }
    return root._promoOffset;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock(ms, days) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var time = two(Math.floor((s % 86400) / 3600)) + ":" + two(Math.floor((s % 3600) / 60)) + ":" + two(s % 60);
    var d = Math.floor(s / 86400);
    return d > 0 && days ? days.replace("{d}", String(d)).replace("{t}", time) : time;
  }

  function paint(root) {
    var t = Date.now() + offset(root);
    var starts = num(root, "data-starts"), ends = num(root, "data-ends");
    var state = t < starts ? "upcoming" : t < ends ? "running" : "ended";
    if (root.getAttribute("data-state") !== state) root.setAttribute("data-state", state);
    var until = state === "upcoming" ? starts : state === "running" ? ends : null;
    root.querySelectorAll("[data-countdown]").forEach(function (el) {
      var text = until === null ? "" : clock(until - t, el.getAttribute("data-days"));
      if (el.textContent !== text) el.textContent = text;
    });
    return until === null ? null : until - t;
  }

  function tick() {
    var wait = 1000;
    document.querySelectorAll("[data-promo-clock]").forEach(function (root) {
      var left = paint(root);
      if (left !== null && left > 0) wait = Math.min(wait, left % 1000 || 1000);
    });
    started = true;
    clearTimeout(timer);
    timer = setTimeout(tick, wait + 10);
  }

  document.addEventListener("htmx:afterSettle", tick);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) tick(); });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", tick);
  else tick();
})();
