// Fieldwork 1+2: sending a form with attachments from a phone (docs/rules.md “Phones, photos, offline, NFC”), without inline script (CSP).
//
// A form[data-upload-form] is sent with XMLHttpRequest so that
// - the upload's progress shows in its [data-upload-progress] block (a <progress> and a line of
//   text; the messages come from the block's data-msg-* attributes, translated by the server), and
//   an "upload:progress" event with {percent} is dispatched on the document;
// - when the network fails or the server refuses the request, nothing on the page changes except
//   a message: what was typed and the files chosen are still there, ready to send again;
// - when the server answers with the form and its errors, the new page replaces the old one but
//   the files chosen are kept (unless the files themselves were refused);
// - when the server redirects (saved), the page it redirected to is shown, with its messages.
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function megabytes(n) {
    return (n / (1024 * 1024)).toFixed(1).replace(".", ",");
  }

  function showPage(doc, url) {
    var oldInput = document.querySelector("form[data-upload-form] input[type=file][data-upload-field]");
    var newBody = document.adoptNode(doc.body);
    var newInput = newBody.querySelector("form[data-upload-form] input[type=file][data-upload-field]");
    if (oldInput && newInput && oldInput.files && oldInput.files.length && !newInput.classList.contains("is-invalid")) {
      newInput.replaceWith(oldInput);
    }
    if (url && url !== window.location.href) { window.history.pushState(null, "", url); }
    document.title = doc.title;
    document.body.replaceWith(newBody);
    if (window.labelCardTables) { window.labelCardTables(document); }
    if (window.htmx) { window.htmx.process(document.body); }
    window.scrollTo(0, 0);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches("form[data-upload-form]") || e.defaultPrevented || !window.FormData) { return; }
    e.preventDefault();
    var box = form.querySelector("[data-upload-progress]");
    var bar = box && box.querySelector("progress");
    var status = box && box.querySelector("[data-upload-status]");
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    var submitter = e.submitter;
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href).href;

    function say(text, failed) {
      if (!box) { return; }
      box.hidden = false;
      status.textContent = text;
      status.classList.toggle("text-danger", !!failed);
    }
    function done() {
      buttons.forEach(function (b) { b.disabled = false; });
    }
    function progress(percent, loaded, total) {
      if (bar) { bar.value = percent; }
      say(fill(box ? box.getAttribute("data-msg-progress") : "", {
        done: percent + "%", loaded: megabytes(loaded), total: megabytes(total)
      }));
      document.dispatchEvent(new CustomEvent("upload:progress", { detail: { percent: percent } }));
    }

    var xhr = new XMLHttpRequest();
    xhr.open("POST", action);
    xhr.responseType = "document";
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) { progress(Math.round((ev.loaded / ev.total) * 100), ev.loaded, ev.total); }
    });
    xhr.addEventListener("load", function () {
      var doc = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300 && doc && doc.body) {
        progress(100, 1, 1);
        showPage(doc, xhr.responseURL !== action ? xhr.responseURL : null);
        return;
      }
      done();
      say(fill(box ? box.getAttribute("data-msg-refused") : "", { status: xhr.status }), true);
    });
    xhr.addEventListener("error", function () { done(); say(box ? box.getAttribute("data-msg-network") : "", true); });
    xhr.addEventListener("timeout", function () { done(); say(box ? box.getAttribute("data-msg-network") : "", true); });
    buttons.forEach(function (b) { b.disabled = true; });
    if (bar) { bar.value = 0; }
    say(box ? box.getAttribute("data-msg-start") : "");
    xhr.send(data);
  });
})();
