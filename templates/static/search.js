/* Start Pagefind's search UI, pre-filled from ?q= so searches can be linked; name its input after
   the page's visible heading (Pagefind labels it only with a title). */
(function () {
  "use strict";
  if (typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false });
  function label() {
    var input = document.querySelector("#search input");
    if (input) {
      input.setAttribute("aria-labelledby", "search-title");
      input.setAttribute("aria-describedby", "search-hint");
    }
    return input;
  }
  if (!label()) {
    new MutationObserver(function (_, observer) { if (label()) observer.disconnect(); })
      .observe(document.getElementById("search"), { childList: true, subtree: true });
  }
  var query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
