/* Progressive enhancement for briefing pages: filter highlights by kind or speaker, jump from
   highlight to highlight with j/k, copy a deep link to a highlight. Everything works without it. */
(function () {
  "use strict";
  var body = document.getElementById("body");
  if (!body) return;
  var firsts = Array.prototype.slice.call(body.querySelectorAll("mark[id]"));
  var current = -1;

  function go(step) {
    if (!firsts.length) return;
    current = (current + step + firsts.length) % firsts.length;
    var mark = firsts[current];
    mark.focus();
    history.replaceState(null, "", "#" + mark.id);
  }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.altKey || event.ctrlKey || event.metaKey || tag === "input" || tag === "textarea" || tag === "select") return;
    if (event.key === "j") { go(1); event.preventDefault(); }
    if (event.key === "k") { go(-1); event.preventDefault(); }
  });

  var legend = document.querySelector(".legend");
  if (legend) {
    var tools = document.createElement("div");
    tools.className = "note-tools";
    var label = document.createElement("label");
    label.textContent = "Show highlights: ";
    var select = document.createElement("select");
    var options = [["", "All"], ["kind:provision", "Provisions"], ["kind:statement", "Statements"],
      ["kind:note", "Notes"], ["kind:correction", "Corrections"]];
    document.querySelectorAll(".note[data-speaker]").forEach(function (note) {
      var key = "speaker:" + note.getAttribute("data-speaker");
      if (!options.some(function (o) { return o[0] === key; })) {
        options.push([key, note.getAttribute("data-speaker-name")]);
      }
    });
    options.forEach(function (o) {
      var opt = document.createElement("option");
      opt.value = o[0]; opt.textContent = o[1];
      select.appendChild(opt);
    });
    label.appendChild(select);
    tools.appendChild(label);
    var hint = document.createElement("span");
    hint.className = "hint";
    hint.textContent = " Press j / k to move between highlights.";
    tools.appendChild(hint);
    legend.insertAdjacentElement("afterend", tools);
    select.addEventListener("change", function () { filter(select.value); });
  }

  function matches(id, value) {
    var note = document.getElementById("note-" + id);
    if (!note || !value) return true;
    var parts = value.split(":");
    if (parts[0] === "kind") return note.classList.contains("note-" + parts[1]);
    return note.getAttribute("data-speaker") === parts[1];
  }

  function filter(value) {
    body.querySelectorAll("mark.hl").forEach(function (mark) {
      var ids = (mark.getAttribute("data-annotations") || "").split(" ");
      mark.classList.toggle("dimmed", !ids.some(function (id) { return matches(id, value); }));
    });
    body.querySelectorAll(".note").forEach(function (note) {
      note.hidden = !matches(note.id.replace(/^note-/, ""), value);
    });
  }

  document.querySelectorAll(".note-back").forEach(function (p) {
    var link = p.querySelector("a");
    if (!link || !navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "Copy link";
    button.addEventListener("click", function () {
      var url = location.href.split("#")[0] + link.getAttribute("href");
      navigator.clipboard.writeText(url).then(function () { button.textContent = "Link copied"; });
    });
    p.appendChild(document.createTextNode(" "));
    p.appendChild(button);
  });
})();
