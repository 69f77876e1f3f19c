// Fieldwork 1+2: dates always read dd/mm/yyyy (docs/rules.md “A year in the life”), whatever the browser's language.
// Every input[data-date] (accounts.forms.DateInput, the "tính đến ngày" boxes) is a text input:
// - typing digits adds the slashes: "05022026" -> "05/02/2026";
// - on leaving the field, "5/2/2026" -> "05/02/2026" and a pasted ISO "2026-02-05" -> "05/02/2026";
// - anything else is left as typed: the server says in words what is wrong (nothing is lost).
// No library, no CDN (CSP: script-src 'self').
(function () {
  "use strict";

  function pad(n) { return (n.length === 1 ? "0" : "") + n; }

  function normalize(value) {
    var v = (value || "").trim();
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
    if (m) return pad(m[3]) + "/" + pad(m[2]) + "/" + m[1];
    m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(v);
    if (m) return pad(m[1]) + "/" + pad(m[2]) + "/" + m[3];
    m = /^(\d{2})(\d{2})(\d{4})$/.exec(v);
    if (m) return m[1] + "/" + m[2] + "/" + m[3];
    return v;
  }

  function onInput(event) {
    var el = event.target;
    if (!el.matches || !el.matches("input[data-date]")) return;
    // Only while typing forward digit by digit: deleting, pasting or an ISO value is left alone.
    if (event.inputType && event.inputType !== "insertText") return;
    var v = el.value;
    if (/^\d{2}$/.test(v) || /^\d{2}\/\d{2}$/.test(v)) {
      el.value = v + "/";
    } else if (/^\d{3}$/.test(v)) {
      el.value = v.slice(0, 2) + "/" + v.slice(2);
    } else if (/^\d{2}\/\d{3}$/.test(v)) {
      el.value = v.slice(0, 5) + "/" + v.slice(5);
    }
  }

  function onBlur(event) {
    var el = event.target;
    if (!el.matches || !el.matches("input[data-date]")) return;
    var v = normalize(el.value);
    if (v !== el.value) {
      el.value = v;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  document.addEventListener("input", onInput);
  document.addEventListener("blur", onBlur, true);
  window.fieldworkDates = { normalize: normalize };
})();
