/* Progressive enhancement for briefing pages (issue 8): notes beside their highlights on wide
   screens, filter highlights by kind or speaker, j / k to move between highlights, copy a deep link.
   Without it the page is complete: notes float in the margin or open in place from their number. */
(function () {
  "use strict";
  var body = document.getElementById("body");
  if (!body) return;
  var all = function (sel, root) { return Array.prototype.slice.call((root || body).querySelectorAll(sel)); };
  var notes = all(".note"), firsts = all("mark[tabindex]");
  var wide = window.matchMedia("(min-width: 68.75em)");
  var idsOf = function (mark) { return (mark.getAttribute("data-annotations") || "").split(" "); };
  var noteOf = function (id) { return document.getElementById("note-" + id); };

  // Put notes level with their highlights. Where they would collide, spread them so the total
  // (squared) distance to their highlights is least (pool adjacent violators), letting a note rise
  // at most RISE px above its highlight and never above the text; push down what still overlaps.
  var GAP = 14, RISE = 30;
  function place() {
    body.classList.toggle("notes-placed", wide.matches);
    var origin = body.getBoundingClientRect().top, shown = [], blocks = [], offset = 0, floor = 0, i = 0;
    notes.forEach(function (note) {
      note.style.top = "";
      var anchor = document.getElementById(note.id.slice(5));
      if (wide.matches && !note.hidden && anchor) {
        shown.push({ note: note, want: anchor.getBoundingClientRect().top - origin, size: note.offsetHeight + GAP });
      }
    });
    shown.forEach(function (s) {
      var block = { sum: s.want - offset, n: 1 }, last;
      offset += s.size;
      while ((last = blocks[blocks.length - 1]) && last.sum / last.n >= block.sum / block.n) {
        blocks.pop();
        block.sum += last.sum;
        block.n += last.n;
      }
      blocks.push(block);
    });
    offset = 0;
    blocks.forEach(function (block) {
      for (var k = 0; k < block.n; k++, i++) {
        var s = shown[i];
        s.top = Math.max(block.sum / block.n + offset, s.want - RISE, floor);
        floor = s.top + s.size;
        offset += s.size;
      }
    });
    // A note lifted for a neighbour that then moved down anyway drops back towards its highlight.
    for (i = shown.length - 1; i >= 0; i--) {
      var below = shown[i + 1] ? shown[i + 1].top - shown[i].size : Infinity;
      if (shown[i].top < shown[i].want) shown[i].top = Math.min(shown[i].want, below);
      shown[i].note.style.top = shown[i].top + "px";
    }
    body.style.minHeight = wide.matches ? floor + "px" : "";
  }
  var queued = false;
  function later() {
    if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; place(); }); }
  }
  place();
  window.addEventListener("resize", later);
  window.addEventListener("load", later);
  if (document.fonts) document.fonts.ready.then(later);

  // Show which note belongs to a highlight; on narrow screens open it in place.
  function activate(mark, open, only) {
    all(".is-active").forEach(function (el) { el.classList.remove("is-active"); });
    mark.classList.add("is-active");
    (only ? [only] : idsOf(mark)).forEach(function (id) {
      var note = noteOf(id);
      if (!note) return;
      note.classList.add("is-active");
      if (open && !wide.matches) note.querySelector(".note-toggle").checked = true;
    });
  }
  body.addEventListener("click", function (event) {
    var mark = event.target.closest("mark.hl");
    if (mark && !event.target.closest("a")) activate(mark, true);
  });
  body.addEventListener("focusin", function (event) {
    if (event.target.matches("mark.hl")) activate(event.target, false);
  });

  // j / k: the next or previous highlight still shown.
  function go(step) {
    var shown = firsts.filter(function (m) { return !m.classList.contains("dimmed"); });
    if (!shown.length) return;
    var i = shown.indexOf(document.activeElement);
    i = i < 0 ? (step > 0 ? 0 : shown.length - 1) : (i + step + shown.length) % shown.length;
    shown[i].focus();
    shown[i].scrollIntoView({ block: "center" });
    activate(shown[i], true);
    history.replaceState(null, "", "#" + shown[i].id);
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, select, textarea, button")) return;
    if (event.key === "j" || event.key === "k") { go(event.key === "j" ? 1 : -1); event.preventDefault(); }
    if (event.key === "Enter" && event.target.matches("mark.hl")) activate(event.target, true);
  });

  // Filter: every kind in the legend, then every speaker with a statement here.
  var bar = document.querySelector(".legend-bar");
  if (bar) {
    var tools = document.createElement("p"), select = document.createElement("select");
    tools.className = "note-tools";
    select.id = "hl-filter";
    var options = [["", "All highlights"]];
    all(".legend li", bar).forEach(function (li) {
      options.push(["kind:" + li.className.replace("legend-", ""), li.querySelector("mark").textContent + "s only"]);
    });
    notes.forEach(function (note) {
      var key = "speaker:" + note.getAttribute("data-speaker");
      if (note.hasAttribute("data-speaker") && !options.some(function (o) { return o[0] === key; })) {
        options.push([key, "Statements by " + note.getAttribute("data-speaker-name")]);
      }
    });
    options.forEach(function (o) { select.add(new Option(o[1], o[0])); });
    tools.innerHTML = '<label for="hl-filter">Show</label> <span class="hint"><kbd>j</kbd> <kbd>k</kbd> next / previous highlight</span>';
    tools.insertBefore(select, tools.children[1]);
    bar.appendChild(tools);
    select.addEventListener("change", function () { filter(select.value); });
  }
  function matches(note, value) {
    var part = value.split(":");
    if (!value) return true;
    return part[0] === "kind" ? note.classList.contains("note-" + part[1]) : note.getAttribute("data-speaker") === part[1];
  }
  function filter(value) {
    notes.forEach(function (note) { note.hidden = !matches(note, value); });
    all("mark.hl").forEach(function (mark) {
      mark.classList.toggle("dimmed", !idsOf(mark).some(function (id) { var n = noteOf(id); return n && !n.hidden; }));
    });
    place();
  }

  // Copy a link straight to a highlight.
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  body.appendChild(status);
  notes.forEach(function (note) {
    var link = note.querySelector(".note-back a");
    if (!link || !navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.innerHTML = 'Copy link<span class="visually-hidden"> to note ' + note.querySelector(".note-num").textContent + "</span>";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(location.href.split("#")[0] + link.getAttribute("href")).then(function () {
        status.textContent = "Link copied";
        button.firstChild.textContent = "Copied";
        setTimeout(function () { button.firstChild.textContent = "Copy link"; status.textContent = ""; }, 2000);
      });
    });
    link.parentNode.appendChild(button);
  });

  // Arriving at #highlight on a narrow screen opens its note.
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1)), el = id && document.getElementById(id);
    while (el && el.matches(".hl-anchor")) el = el.nextElementSibling;
    if (el && el.matches("mark.hl")) activate(el, true, id);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
