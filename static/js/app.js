// Fieldwork 1+2: behaviour without inline scripts (CSP).
// - [data-confirm] on a form or on its submit button asks before submitting.
// - [data-autosubmit] selects submit their form on change (filters).
document.addEventListener("submit", function (e) {
  var msg = (e.submitter && e.submitter.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener("change", function (e) {
  if (e.target.matches("[data-autosubmit]")) { e.target.form.requestSubmit(); }
});
