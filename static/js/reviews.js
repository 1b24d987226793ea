// Reviews: photos open in a lightbox (<dialog>; without JavaScript the link opens the picture), and on the review
// forms each chosen photo uploads at once (POST /reviews/photos) and comes back as a kept thumbnail, so the form
// itself only carries photo ids (without JavaScript the files travel with the form).
(function () {
  "use strict";
  var group = [];
  var at = 0;

  function box() { return document.getElementById("lightbox"); }

  function show() {
    var image = document.getElementById("lightbox-image");
    var link = group[at];
    var thumb = link.querySelector("img");
    image.src = link.getAttribute("href");
    image.alt = thumb ? thumb.alt : "";
    document.getElementById("lightbox-count").textContent = (at + 1) + " / " + group.length;
  }

  function step(by) {
    if (!group.length) return;
    at = (at + by + group.length) % group.length;
    show();
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    var dialog = box();
    var link = target.closest("a[data-lightbox]");
    if (link && dialog && dialog.showModal) {
      event.preventDefault();
      var name = link.getAttribute("data-lightbox");
      group = Array.prototype.filter.call(document.querySelectorAll("a[data-lightbox]"), function (a) {
        return a.getAttribute("data-lightbox") === name;
      });
      at = Math.max(0, group.indexOf(link));
      show();
      dialog.showModal();
      return;
    }
    var stepper = target.closest("[data-lightbox-step]");
    if (stepper) { step(Number(stepper.getAttribute("data-lightbox-step"))); return; }
    if (dialog && (target.closest("[data-lightbox-close]") || target === dialog)) dialog.close();
  });

  document.addEventListener("keydown", function (event) {
    var dialog = box();
    if (!dialog || !dialog.open) return;
    if (event.key === "ArrowRight") step(1);
    if (event.key === "ArrowLeft") step(-1);
  });

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; }
    catch (e) { return ""; }
  }

  function upload(file, input, kept, status) {
    var data = new FormData();
    data.append("photo", file);
    data.append("field", input.getAttribute("data-photo-field"));
    return fetch("/reviews/photos", {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken() }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (response.ok) kept.insertAdjacentHTML("beforeend", text);
        else if (status) status.innerHTML = text;
      });
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-photo-upload]") || !window.fetch) return;
    var kept = document.getElementById(input.getAttribute("data-photo-upload"));
    var status = document.querySelector('[data-photo-status="' + input.getAttribute("data-photo-upload") + '"]');
    var files = Array.prototype.slice.call(input.files || []);
    if (!kept || !files.length) return;
    input.value = "";
    if (status) status.textContent = "…";
    var chain = Promise.resolve();
    files.forEach(function (file) { chain = chain.then(function () { return upload(file, input, kept, status); }); });
    chain.then(function () { if (status && status.textContent === "…") status.textContent = ""; });
  });
})();
