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
// - table.table-cards: each cell gets data-label = its column's header (for the phone cards of
//   static/css/app.css), unless the template set one: the text (or data-label) of the cell above
//   it in the header's first row, column spans followed.
function labelCardTables(root) {
  (root || document).querySelectorAll("table.table-cards").forEach(function (table) {
    var headRow = table.tHead && table.tHead.rows[0];
    if (!headRow) { return; }
    var names = [];
    Array.prototype.forEach.call(headRow.cells, function (th) {
      var text = (th.getAttribute("data-label") || th.textContent || "").replace(/\s+/g, " ").trim();
      for (var i = 0; i < (th.colSpan || 1); i++) { names.push(text); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1 && names[col]) {
            cell.setAttribute("data-label", names[col]);
          }
          if (!cell.children.length && !cell.textContent.trim()) { cell.classList.add("cell-empty"); }
          col += cell.colSpan || 1;
        });
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelCardTables(document); });
document.addEventListener("htmx:afterSettle", function () { labelCardTables(document); });
// - The service worker (config/pwa.py): only the offline page and the static shell, never data.
if ("serviceWorker" in navigator) {
  var swMeta = document.querySelector("meta[name=service-worker]");
  if (swMeta) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(swMeta.getAttribute("content"), { scope: "/" }).catch(function () {});
    });
  }
}
