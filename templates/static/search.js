/* Start Pagefind's search UI over every part of the index at once: pagefind/parts.json lists them
   (one per year of briefings, one for the speakers', documents' and topics' pages); the first is
   the primary index, the others are merged into it, so one search covers them all and the filters
   (speaker, kind, topic, year) count across all of them. The input is pre-filled from ?q= so
   searches can be linked, and named after the page's visible heading (Pagefind labels it only
   with a title). */
(function () {
  "use strict";
  if (typeof PagefindUI === "undefined" || !window.fetch) return;
  var folder = new URL("../pagefind/", document.currentScript.src);

  function label() {
    var input = document.querySelector("#search input");
    if (input) {
      input.setAttribute("aria-labelledby", "search-title");
      input.setAttribute("aria-describedby", "search-hint");
    }
    return input;
  }

  function start(parts) {
    var paths = parts.map(function (name) { return new URL(name + "/", folder).pathname; });
    var ui = new PagefindUI({
      element: "#search", showSubResults: true, showImages: false,
      bundlePath: paths[0],
      mergeIndex: paths.slice(1).map(function (path) { return { bundlePath: path }; })
    });
    if (!label()) {
      new MutationObserver(function (_, observer) { if (label()) observer.disconnect(); })
        .observe(document.getElementById("search"), { childList: true, subtree: true });
    }
    var query = new URLSearchParams(location.search).get("q");
    if (query) ui.triggerSearch(query);
  }

  fetch(new URL("parts.json", folder))
    .then(function (response) { return response.json(); })
    .then(function (listing) { if (listing.parts && listing.parts.length) start(listing.parts); });
})();
