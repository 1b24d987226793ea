// Flash sales: countdowns on the server's clock, each sale flipping state at its second (Buy enables
// itself at the start and disables at the end or when sold out), and the remaining counts the
// `deals` channel pushes (see realtime.js). The server renders every state and all the words; this
// only sets data-state (mall.css shows the matching [data-show] pieces) and numbers. Every page works
// without it: a reload shows the same.
(function () {
  "use strict";
  if (window.mallFlash) return;
  window.mallFlash = true;

  var offset = null; // the server's clock minus this browser's, in ms, measured once per page
  var timer = null;
  var SALES = "[data-flash-sale], [data-hold]";

  // The page's answer says when the server sent it (Server-Timing "now"; a page the browser kept and revalidated
  // says it too), else its first data-now does.
  function measure() {
    var first = document.querySelector("[data-now]");
    if (!first || offset !== null) return;
    var received = Date.now();
    var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (nav && nav.responseStart > 0 && performance.timeOrigin) received = performance.timeOrigin + nav.responseStart;
    var sent = (nav && nav.serverTiming || []).filter(function (t) { return t.name === "now"; })[0];
    offset = Number(sent ? sent.description : first.getAttribute("data-now")) - received;
  }

  function now() { return Date.now() + (offset || 0); }

  function num(el, name) { return Number(el.getAttribute(name)); }

  function phase(root, t) {
    if (root.hasAttribute("data-hold")) return t < num(root, "data-ends") ? "held" : "expired";
    if (root.getAttribute("data-closed") === "true" || t >= num(root, "data-ends")) return "ended";
    if (t < num(root, "data-starts") && root.getAttribute("data-opened") !== "true") return "upcoming";
    return num(root, "data-remaining") > 0 ? "running" : "soldout";
  }

  // The instant the countdown runs to, or null when there is nothing to count.
  function target(root, state) {
    if (state === "upcoming") return num(root, "data-starts");
    if (state === "running" || state === "soldout" || state === "held") return num(root, "data-ends");
    return null;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock(ms, days) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var time = two(Math.floor((s % 86400) / 3600)) + ":" + two(Math.floor((s % 3600) / 60)) + ":" + two(s % 60);
    var d = Math.floor(s / 86400);
    return d > 0 && days ? days.replace("{d}", String(d)).replace("{t}", time) : time;
  }

  function say(root, state) {
    var live = root.querySelector("[data-flash-say]");
    var words = live && live.getAttribute("data-say-" + state);
    if (words) live.textContent = words;
  }

  function paint(root, t) {
    var state = phase(root, t);
    var before = root.getAttribute("data-state");
    if (before !== state) {
      root.setAttribute("data-state", state);
      if (before) say(root, state);
    }
    var until = target(root, state);
    root.querySelectorAll("[data-countdown]").forEach(function (el) {
      var text = until === null ? "" : clock(until - t, el.getAttribute("data-days"));
      if (el.textContent !== text) el.textContent = text;
    });
    root.querySelectorAll("[data-flash-buy]").forEach(function (button) {
      if (!button.closest(".htmx-request")) button.disabled = state !== "running"; // htmx holds it while posting
    });
    return until === null ? null : until - t;
  }

  // Repaint at the next instant any countdown on the page changes its second (so a sale flips
  // at its very second), at least once a second.
  function tick() {
    var t = now();
    var wait = 1000;
    document.querySelectorAll(SALES).forEach(function (root) {
      var left = paint(root, t);
      if (left !== null && left > 0) wait = Math.min(wait, left % 1000 || 1000);
    });
    clearTimeout(timer);
    timer = setTimeout(tick, wait + 10);
  }

  var numbers = null;
  function format(n) {
    try { numbers = numbers || new Intl.NumberFormat(document.documentElement.lang || undefined); } catch (e) { return String(n); }
    return numbers.format(n);
  }

  function setRemaining(root, remaining, quantity) {
    if (typeof remaining !== "number") return;
    root.setAttribute("data-remaining", String(remaining));
    quantity = typeof quantity === "number" && quantity > 0 ? quantity : num(root, "data-quantity");
    var claimed = quantity > 0 ? Math.min(100, Math.max(0, Math.floor((quantity - remaining) * 100 / quantity))) : 100;
    root.querySelectorAll("[data-flash-left]").forEach(function (el) { el.textContent = format(remaining); });
    root.querySelectorAll("[data-flash-pct]").forEach(function (el) { el.textContent = format(claimed); });
    root.querySelectorAll("[data-flash-bar]").forEach(function (el) { el.style.width = claimed + "%"; });
  }

  function salesOf(id) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-flash-sale]"), function (root) {
      return root.getAttribute("data-flash-sale") === id;
    });
  }

  // deals messages: {kind: flash.stock | flash.sold_out | flash.opened | flash.ended, data: {sale_id, ...}}
  document.addEventListener("mall:rt", function (event) {
    var message = event.detail || {};
    var data = message.data || {};
    if (message.channel !== "deals" || typeof data.sale_id !== "string") return;
    salesOf(data.sale_id).forEach(function (root) {
      if (message.kind === "flash.stock" || message.kind === "flash.sold_out") setRemaining(root, data.remaining, data.quantity);
      if (message.kind === "flash.opened") root.setAttribute("data-opened", "true");
      if (message.kind === "flash.ended") root.setAttribute("data-closed", "true");
    });
    tick();
  });

  // The answer to Buy swaps in place; 409 / 422 / 429 explain why not, so they are shown too.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 409 || status === 422 || status === 429) && target && target.closest("[data-flash-result]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A refusal knows the remaining count at that moment; swapped-in cards need their countdowns.
  document.addEventListener("htmx:afterSettle", function () {
    var result = document.querySelector("[data-flash-result][data-remaining]");
    var root = result && result.closest("[data-flash-sale]");
    if (root) setRemaining(root, Number(result.getAttribute("data-remaining")));
    if (result) result.removeAttribute("data-remaining"); // applied once: live messages are newer
    tick();
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) tick(); });

  function start() {
    document.querySelectorAll("[data-flash-result]").forEach(function (r) { r.removeAttribute("data-remaining"); });
    measure();
    tick();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
