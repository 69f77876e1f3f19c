// Fieldwork 1+2: form behaviours on every page, without inline scripts (CSP; templates/base.html).
// 1. A submitted form that comes back with errors: the first invalid field (else the error summary,
//    templates/_error_summary.html) gets the focus and is scrolled into view; a link of the summary
//    focuses its field.
// 2. Nothing typed is lost silently: leaving a page while a POST form holds text that was not saved
//    (typed since the page loaded, or sent back with errors) asks first. Submitting that form does
//    not ask; submitting another one (a download, say) does. A form opts out with data-no-unsaved.
(function () {
  "use strict";

  function reveal(el, behavior) {
    try { el.focus({ preventScroll: true }); } catch (e) { el.focus(); }
    el.scrollIntoView({ block: "center", behavior: behavior || "instant" });
  }

  function firstError() {
    var summary = document.querySelector("[data-error-summary]");
    var scope = (summary && summary.closest("form")) || document;
    var field = scope.querySelector(".is-invalid:not([type=hidden])") || document.querySelector("main .is-invalid:not([type=hidden])");
    return field || summary;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var target = firstError();
    if (target) {
      if (target === document.querySelector("[data-error-summary]") || !target.matches("input, select, textarea, button")) {
        target.setAttribute("tabindex", "-1");
      }
      reveal(target);
    }
  });
  document.addEventListener("click", function (e) {
    var link = e.target.closest("a[data-error-link]");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) { e.preventDefault(); reveal(field, "smooth"); }
  });

  // 2. Unsaved text ---------------------------------------------------------------------------------
  var TEXT_TYPES = ["text", "email", "number", "date", "tel", "url", ""];
  var initial = new WeakMap();
  var saving = new WeakSet();

  function textual(el) {
    if (el.disabled || !el.name || el.readOnly) { return false; }
    if (el.tagName === "TEXTAREA") { return true; }
    return el.tagName === "INPUT" && TEXT_TYPES.indexOf((el.getAttribute("type") || "").toLowerCase()) >= 0;
  }

  function tracked(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" && !form.hasAttribute("data-no-unsaved");
  }

  function snapshot() {
    Array.prototype.forEach.call(document.forms, function (form) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (textual(el)) { initial.set(el, el.value); }
      });
    });
  }

  function unsaved(form) {
    if (!tracked(form) || saving.has(form)) { return false; }
    var fields = Array.prototype.filter.call(form.elements, textual);
    // Sent back with errors: what it holds was not saved, even if untouched since.
    if (form.querySelector("[data-error-summary], .is-invalid") && fields.some(function (el) { return el.value.trim() !== ""; })) {
      return true;
    }
    return fields.some(function (el) {
      var was = initial.has(el) ? initial.get(el) : el.defaultValue;
      return el.value !== was;
    });
  }

  // Other scripts may fill fields as the page loads: the snapshot is taken once they have run.
  window.addEventListener("load", snapshot);
  // app.js asks before some submits (data-confirm) and cancels the event if refused: registered
  // after it (scripts run in order), this listener sees that decision.
  document.addEventListener("submit", function (e) {
    if (!e.defaultPrevented) { saving.add(e.target); }
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { saving = new WeakSet(); }
  });
  window.addEventListener("beforeunload", function (e) {
    if (Array.prototype.some.call(document.forms, unsaved)) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
