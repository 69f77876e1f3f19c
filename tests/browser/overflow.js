// What scrolls sideways on this page (tests/browser/test_phone_pages.py): every visible element
// whose content is wider than its box and that can scroll (overflow-x auto or scroll), and
// whether the document itself is wider than the viewport.
() => {
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + Array.from(el.classList).slice(0, 3).join(".");
    const tid = el.closest("[data-testid]");
    if (tid) s += " in [data-testid=" + tid.getAttribute("data-testid") + "]";
    return s;
  };
  const overflowing = [];
  for (const el of document.querySelectorAll("body, body *")) {
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if ((cs.overflowX === "auto" || cs.overflowX === "scroll") && el.scrollWidth > el.clientWidth) {
      overflowing.push({ element: describe(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
    }
  }
  const doc = document.documentElement;
  return {
    overflowing,
    documentWidth: doc.scrollWidth,
    viewportWidth: window.innerWidth,
    pageTooWide: doc.scrollWidth > window.innerWidth || document.body.scrollWidth > window.innerWidth,
    // all text, hidden menus included (the language buttons sit in a collapsed menu)
    nfc: document.documentElement.textContent === document.documentElement.textContent.normalize("NFC"),
  };
}
