// Fieldwork 1+2: a report just requested downloads by itself once ready (templates/reports/job_detail.html).
// The status partial carries data-autodownload (the download URL) when the job is done and was
// requested a moment ago (?tai=1); it appears on load or after an htmx poll. The file is fetched
// once per job (sessionStorage), and ?tai=1 leaves the address so that a reload does not fetch it
// again; the "Tải về" link stays as the fallback.
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("#job-status[data-autodownload]");
    if (!box) { return; }
    var key = "fieldwork-downloaded-" + box.getAttribute("data-job");
    try {
      if (window.sessionStorage.getItem(key)) { return; }
      window.sessionStorage.setItem(key, "1");
    } catch (e) { /* storage refused: download anyway, once per page */ }
    box.removeAttribute("data-autodownload");
    if (window.history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.delete("tai");
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    window.location.assign(box.querySelector("a[data-testid=download]").getAttribute("href"));
  }

  // After the page has loaded: a download started earlier would cut the page's own loading short.
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
  document.addEventListener("htmx:afterSettle", function () {
    if (document.readyState === "complete") { start(); }
  });
})();
