// Live updates: the htmx ws extension delivers JSON envelopes {channel, seq, kind, html, data};
// the "mall-rt" extension keeps the last seq per channel, drops duplicates, hands the HTML
// (out-of-band swaps) to htmx, and on every (re)connect asks the server for what was missed.
(function () {
  "use strict";
  var KEY = "mall-rt-last";

  function lastSeen(elt) {
    if (!elt._rtLast) {
      var fromPage = {};
      try { fromPage = JSON.parse(elt.getAttribute("data-rt-last") || "{}"); } catch (e) { fromPage = {}; }
      var stored = {};
      try { stored = JSON.parse(sessionStorage.getItem(KEY) || "{}"); } catch (e) { stored = {}; }
      Object.keys(stored).forEach(function (ch) {
        if (ch in fromPage && stored[ch] > fromPage[ch]) fromPage[ch] = stored[ch];
      });
      elt._rtLast = fromPage;
    }
    return elt._rtLast;
  }

  // A message updates whatever this page shows of it: out-of-band pieces whose
  // target is not on this page are dropped (htmx would report them as errors).
  function onlyPresentTargets(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    Array.prototype.slice.call(holder.content.children).forEach(function (child) {
      if (child.id && !document.getElementById(child.id)) child.remove();
    });
    return holder.innerHTML;
  }

  // Page regions that show what changed reload themselves (each declares
  // hx-get and hx-trigger="live-refresh"), in the viewer's language. A message
  // every open page hears may ask to spread the refetching over `spread` ms (< 1 s).
  function refreshRegions(selectors, spread) {
    if (!selectors.length) return;
    var wait = Math.min(Math.max(Number(spread) || 0, 0), 1000) * Math.random();
    setTimeout(function () { selectors.forEach(refresh); }, wait);
  }

  // A region asked again while its last refresh is still loading is refreshed once more after it: htmx would
  // queue that request on the element an outerHTML swap then replaces, and drop it (the page stayed a step behind).
  var again = {};
  function refresh(selector) {
    var region;
    try { region = document.querySelector(selector); } catch (e) { region = null; }
    if (!region) return;
    if (region.classList.contains("htmx-request")) { again[selector] = true; return; }
    htmx.trigger(region, "live-refresh");
  }
  function refreshAgain() {
    var selectors = Object.keys(again);
    again = {};
    setTimeout(function () { selectors.forEach(refresh); }, 0);
  }
  document.addEventListener("htmx:afterSettle", refreshAgain); // swapped in (the old element is gone)
  document.addEventListener("htmx:afterRequest", refreshAgain); // or failed, the region left as it was

  htmx.defineExtension("mall-rt", {
    transformResponse: function (text, xhr, elt) {
      if (xhr) return text; // ordinary htmx requests pass through
      var message;
      try { message = JSON.parse(text); } catch (e) { return text; }
      if (message.type === "ready") { elt.setAttribute("data-ready", "true"); return ""; }
      var last = lastSeen(elt);
      if (typeof message.seq === "number" && message.seq <= (last[message.channel] || 0)) return "";
      last[message.channel] = message.seq;
      try { sessionStorage.setItem(KEY, JSON.stringify(last)); } catch (e) { /* private mode */ }
      document.dispatchEvent(new CustomEvent("mall:rt", { detail: message }));
      refreshRegions((message.data && message.data.refresh) || [], message.data && message.data.spread_ms);
      return onlyPresentTargets(message.html || "");
    }
  });

  document.addEventListener("htmx:wsOpen", function (event) {
    var elt = event.target;
    elt._rtRetry = 0;
    elt.classList.remove("rt-offline");
    elt.setAttribute("data-connected", "true");
    event.detail.socketWrapper.sendImmediately(JSON.stringify({ type: "resume", last: lastSeen(elt) }));
  });

  // The extension retries only after abnormal closes; a server restart (1001) or a
  // normal close must reconnect too, with backoff, while the page is open.
  document.addEventListener("htmx:wsClose", function (event) {
    var elt = event.target;
    elt.classList.add("rt-offline");
    elt.removeAttribute("data-connected");
    var code = event.detail.event && event.detail.event.code;
    if ([1006, 1011, 1012, 1013].indexOf(code) >= 0 || !document.body.contains(elt)) return;
    elt._rtRetry = (elt._rtRetry || 0) + 1;
    var delay = Math.min(30000, 500 * Math.pow(2, elt._rtRetry)) * (0.5 + Math.random() / 2);
    setTimeout(function () { event.detail.socketWrapper.reconnect(); }, delay);
  });

  // A toast that stays until acknowledged (data-sticky) joins the console's alerts, in the page's flow
  // (#order-alerts), where it covers nothing; elsewhere it stays in the corner.
  htmx.onLoad(function (elt) {
    var shelf = document.getElementById("order-alerts");
    if (!shelf || !elt.closest || !elt.closest("#toasts")) return;
    var sticky = elt.matches("[data-sticky]") ? [elt] : Array.prototype.slice.call(elt.querySelectorAll("[data-sticky]"));
    sticky.forEach(function (toast) { shelf.appendChild(toast); });
  });

  // Toasts remove themselves unless they ask to stay (data-sticky) until acknowledged.
  document.addEventListener("htmx:oobAfterSwap", function () {
    document.querySelectorAll(".toast:not([data-sticky]):not([data-timer])").forEach(function (toast) {
      toast.setAttribute("data-timer", "1");
      setTimeout(function () { toast.remove(); }, 8000);
    });
  });
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-dismiss]");
    if (close) close.closest(".toast").remove();
  });

  // A short chime for alerts that ask for one (data.sound), unless muted.
  function chime() {
    if (localStorage.getItem("mall-muted") === "1") return;
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      [880, 1320].forEach(function (freq, i) {
        var osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, ctx.currentTime + i * 0.18);
        gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + i * 0.18 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + i * 0.18 + 0.3);
        osc.connect(gain).connect(ctx.destination);
        osc.start(ctx.currentTime + i * 0.18);
        osc.stop(ctx.currentTime + i * 0.18 + 0.32);
      });
      document.documentElement.setAttribute("data-last-chime", String(Date.now()));
    } catch (e) { /* no audio */ }
  }
  document.addEventListener("mall:rt", function (event) {
    if (event.detail.data && event.detail.data.sound) chime();
  });

  function syncMute() {
    var muted = localStorage.getItem("mall-muted") === "1";
    document.querySelectorAll("[data-mute-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", muted ? "true" : "false");
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-mute-toggle]");
    if (!button) return;
    localStorage.setItem("mall-muted", localStorage.getItem("mall-muted") === "1" ? "0" : "1");
    syncMute();
  });
  document.addEventListener("DOMContentLoaded", syncMute);
})();
