/* Start Pagefind's search UI, pre-filled from ?q= so searches can be linked. */
(function () {
  "use strict";
  if (typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false });
  var query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
