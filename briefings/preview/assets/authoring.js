/* Authoring in `briefings serve` (issue 16): select a passage of a briefing and annotate it, edit
   or delete an annotation from its note, and apply a repair offer from the error page. Only the
   preview serves this file (a built site never has it); it talks to the preview's /_briefings/
   endpoints with the secret from its own script tag (see notes/protocol.md). Nothing read from the
   page or the server goes in as HTML: every node is built here and filled through textContent.
   After a write the preview rebuilds and reloads the page by itself; this only says what happened. */
(function () {
  "use strict";
  var me = document.currentScript;
  var SECRET = me ? me.getAttribute("data-secret") || "" : "";
  var API = "/_briefings/annotations";
  var CONTEXT = 200;  // characters of article text sent on each side of a selection
  // What is not article text: notes, this file's own nodes, the theme's status line, scripts.
  var SKIP = "aside.note, .briefings-ui, [role=status], script, style, template";
  var body = document.getElementById("body");
  var ctx = null;          // the answer of /_briefings/context for this page
  var status = null;       // the page's message line (an ARIA live region)
  var open = null;         // the form shown now, with what it needs to close
  var button = null;       // the Annotate button
  var pending = null;      // the passage the Annotate button would annotate
  var tabbed = false;      // whether Tab already went to the button for this selection
  var cameFrom = null;     // where focus was when Tab went to the button

  /* Build an element with attributes and children (strings become text nodes, never HTML). */
  function make(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) el.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  /* Send a request to the preview; resolve to {ok, status, error} or the answer's JSON with ok. */
  function call(method, path, payload) {
    var init = { method: method, credentials: "same-origin", cache: "no-store", headers: { "X-Briefings-Secret": SECRET } };
    if (payload) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (e) { /* a plain-text answer, such as the Host check's 403 */ }
        if (response.ok && data && data.ok) { data.status = response.status; return data; }
        var error = (data && (data.error || data.message)) || text.trim() || response.status + " " + response.statusText;
        return { ok: false, status: response.status, error: String(error) };
      });
    }, function () {
      return { ok: false, status: 0, error: "the preview did not answer (is briefings serve still running?)" };
    });
  }

  /* Return a message ending as a sentence ends. */
  function sentence(text) {
    text = String(text).trim();
    return /[.!?]$/.test(text) ? text : text + ".";
  }

  /* Put a message into a live region; kind "error" marks it as a failure. */
  function say(region, text, kind) {
    region.textContent = text;
    region.classList.toggle("is-error", kind === "error");
  }

  /* Create the page's message line, inside main so it stays within a landmark. */
  function statusLine() {
    var region = make("p", { "class": "briefings-ui briefings-status", role: "status", "aria-live": "polite" });
    (document.querySelector("main") || document.body).appendChild(region);
    return region;
  }

  // ---- The article text: #body's text nodes without notes and without this UI ----

  /* Return the outermost skipped element (a note, this UI) that holds node, or null. */
  function skippedAround(node) {
    var found = null;
    for (var el = node.nodeType === 1 ? node : node.parentElement; el && el !== body; el = el.parentElement) {
      if (el.matches(SKIP)) found = el;
    }
    return found;
  }

  /* Return the article's text nodes in document order. */
  function articleNodes() {
    var walker = document.createTreeWalker(body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        if (node.nodeType === 3) return NodeFilter.FILTER_ACCEPT;
        return node.matches(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
      }
    });
    var nodes = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
    return nodes;
  }

  /* Return the article-text offset of a boundary point (container, offset) that lies in article text. */
  function offsetOf(nodes, container, offset) {
    var point = document.createRange(), at = 0;
    point.setStart(container, offset);
    for (var i = 0; i < nodes.length; i++) {
      var t = nodes[i];
      if (t === container) return at + offset;
      // A text node other than the container lies wholly before or wholly after the point.
      if (point.comparePoint(t, t.length) >= 0) return at;
      at += t.length;
    }
    return at;
  }

  /* Return the selection as a range inside the article (ends moved out of notes), or null. */
  function selectedRange() {
    var sel = window.getSelection();
    if (!body || !sel || !sel.rangeCount || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0).cloneRange(), clamped = false;
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return null;
    var first = skippedAround(range.startContainer), last = skippedAround(range.endContainer);
    if (first) { range.setStartAfter(first); clamped = true; }
    if (last) { range.setEndBefore(last); clamped = true; }
    if (range.collapsed) return null;
    if (!range.toString().trim()) return null;
    return { range: range, clamped: clamped, shown: sel.toString() };
  }

  /* Turn a selected range into what the add request needs: quote, before, after. */
  function passage(picked) {
    var nodes = articleNodes(), text = "";
    nodes.forEach(function (t) { text += t.data; });
    var r = picked.range;
    var start = offsetOf(nodes, r.startContainer, r.startOffset), end = offsetOf(nodes, r.endContainer, r.endOffset);
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    var slice = text.slice(start, end);
    // The selection's own text (as the reader sees it), unless it crosses a note or a skipped node.
    var crosses = picked.clamped || Array.prototype.some.call(body.querySelectorAll(SKIP), function (el) {
      return r.intersectsNode(el);
    });
    var quote = crosses ? slice : picked.shown.trim() || slice;
    return { range: r, quote: quote, before: text.slice(Math.max(0, start - CONTEXT), start),
             after: text.slice(end, end + CONTEXT) };
  }

  /* Return the block (a child element of #body) that holds a boundary point, for a form or the
     button to go after. */
  function blockOf(node, offset) {
    if (node === body) node = body.childNodes[Math.max(0, offset - 1)] || body.firstChild;
    while (node && node.parentNode !== body) node = node.parentNode;
    // A point between blocks (a triple click ends there) names whitespace, a note or this UI.
    while (node && node.previousSibling && (node.nodeType !== 1 || node.matches(SKIP))) node = node.previousSibling;
    return node;
  }

  // ---- The Annotate button ----

  /* Show the Annotate button after the selection's block, drawn beside its last line. */
  function showButton(picked) {
    if (!button) {
      button = make("button", { type: "button", "class": "briefings-ui briefings-annotate", "aria-haspopup": "dialog" }, ["Annotate"]);
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
      button.addEventListener("click", function () { openAdd(); });
      button.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") return;
        var back = cameFrom && cameFrom.isConnected ? cameFrom : null;
        hideButton();
        window.getSelection().removeAllRanges();
        if (back) back.focus();
      });
    }
    var block = blockOf(picked.range.endContainer, picked.range.endOffset);
    if (button.parentNode !== body || button.previousSibling !== block) body.insertBefore(button, block.nextSibling);
    var rects = Array.prototype.filter.call(picked.range.getClientRects(), function (r) { return r.width > 0; });
    var line = rects[rects.length - 1] || picked.range.getBoundingClientRect();
    var base = (button.offsetParent || document.body).getBoundingClientRect();
    var left = Math.min(line.right - base.left - button.offsetWidth / 2, base.width - button.offsetWidth);
    button.style.left = Math.max(0, left) + "px";
    button.style.top = line.bottom - base.top + 6 + "px";
  }

  /* Take the Annotate button away. */
  function hideButton() {
    if (button && button.parentNode) button.parentNode.removeChild(button);
    pending = null;
  }

  /* Follow the selection: offer Annotate while it holds article text (mouse or keyboard). */
  function followSelection() {
    if (open || !ctx) return;
    if (button && document.activeElement === button) return;  // the reader is on it
    var picked = selectedRange();
    if (!picked) { hideButton(); return; }
    var same = pending && pending.range.compareBoundaryPoints(Range.START_TO_START, picked.range) === 0 &&
      pending.range.compareBoundaryPoints(Range.END_TO_END, picked.range) === 0;
    if (!same) tabbed = false;
    pending = picked;
    showButton(picked);
  }

  var queued = 0;
  /* Run followSelection once after a burst of selectionchange events. */
  function later() {
    clearTimeout(queued);
    queued = setTimeout(followSelection, 80);
  }

  /* The first Tab after a selection goes to its Annotate button, wherever focus was. */
  function tabToButton(event) {
    if (event.key !== "Tab" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    if (open || tabbed || !button || !button.parentNode || !pending) return;
    if (event.target.closest && event.target.closest("input, textarea, select, .briefings-ui")) return;
    tabbed = true;
    cameFrom = document.activeElement;
    event.preventDefault();
    button.focus();
  }

  // ---- The form ----

  /* Return a labelled field: its wrapper (with an extra class, if any) holds the label, the control
     and an optional hint. */
  function field(id, label, control, hint, extra) {
    control.id = id;
    var kids = [make("label", { "for": id }, label)];
    kids.push(control);
    if (hint) {
      control.setAttribute("aria-describedby", id + "-hint");
      kids.push(make("span", { id: id + "-hint", "class": "briefings-hint" }, [hint]));
    }
    return make("p", { "class": "briefings-field" + (extra ? " " + extra : "") }, kids);
  }

  /* Return a select with a "None" option (when none is given) and the options [value, text]. */
  function choice(options, none) {
    var select = make("select");
    if (none) select.add(new Option(none, ""));
    options.forEach(function (o) { select.add(new Option(o[1], o[0])); });
    return select;
  }

  /* Return the provisions as options (the server's labels name their documents). */
  function provisionOptions() {
    return (ctx.provisions || []).map(function (p) { return [p.id, p.label]; });
  }

  /* Return the text of an annotation's highlight on the page (for the form's heading). */
  function quoteOf(id) {
    return marksOf(id).map(function (r) { return r.toString(); }).join("").replace(/\s+/g, " ").trim();
  }

  /* Mark ranges as the passage the open form is about (where the browser has the Highlight API). */
  function highlight(ranges) {
    if (!window.CSS || !CSS.highlights || !window.Highlight) return;
    var marked = new Highlight();
    ranges.forEach(function (r) { marked.add(r); });
    CSS.highlights.set("briefings-pending", marked);
  }

  /* Return a range over each highlight piece of an annotation. */
  function marksOf(id) {
    return Array.prototype.filter.call(body.querySelectorAll("mark[data-annotations]"), function (m) {
      return m.getAttribute("data-annotations").split(" ").indexOf(id) >= 0;
    }).map(function (m) { var r = document.createRange(); r.selectNodeContents(m); return r; });
  }

  /* Return a passage shortened for showing in the form. */
  function shortened(text) {
    return "\u201c" + (text.length > 300 ? text.slice(0, 297) + "\u2026" : text) + "\u201d";
  }

  /* Build and show a form after an element; spec: {title, quote, ranges, text, fields, submit, danger,
     send, focus}; restore(saved) gives focus back when it closes. */
  function showForm(after, spec, restore) {
    closeForm(false);
    say(status, "");
    highlight(spec.ranges || []);
    var message = make("p", { "class": "briefings-message", role: "status", "aria-live": "polite" });
    var save = make("button", { type: "submit", "class": "briefings-button " + (spec.danger ? "briefings-danger" : "briefings-primary") }, [spec.submit]);
    var cancel = make("button", { type: "button", "class": "briefings-button" }, ["Cancel"]);
    var kids = [make("h2", { id: "briefings-form-title" }, [spec.title])];
    if (spec.quote) kids.push(make("blockquote", { id: "briefings-form-quote", "class": "briefings-quote" }, [shortened(spec.quote)]));
    if (spec.text) kids.push(make("p", {}, [spec.text]));
    if (spec.fields.length) kids.push(make("div", { "class": "briefings-fields" }, spec.fields));
    kids.push(message, make("div", { "class": "briefings-actions" }, [save, cancel,
      make("span", { "class": "briefings-hint", "aria-hidden": "true" }, ["Esc closes"])]));
    var form = make("form", { "class": "briefings-form", novalidate: "" }, kids);
    var dialog = make("div", { "class": "briefings-ui briefings-dialog" + (spec.danger ? " is-delete" : ""), role: "dialog",
      "aria-labelledby": "briefings-form-title", "aria-describedby": spec.quote ? "briefings-form-quote" : null }, [form]);
    after.parentNode.insertBefore(dialog, after.nextSibling);
    open = { dialog: dialog, restore: restore, busy: false };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(spec, message, save);
    });
    cancel.addEventListener("click", function () { closeForm(true); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closeForm(true); }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("textarea")) {
        event.preventDefault();
        submit(spec, message, save);
      }
    });
    window.dispatchEvent(new Event("resize"));  // the theme places the notes again around the form
    (spec.focus || form.querySelector("select, textarea, input, button")).focus();
  }

  /* Send the form's request; on success say so (the reload follows), on failure keep everything. */
  function submit(spec, message, save) {
    if (!open || open.busy) return;
    var state = open;
    state.busy = true;
    save.setAttribute("aria-disabled", "true");
    say(message, "Saving\u2026");
    call("POST", API, spec.send()).then(function (answer) {
      state.busy = false;
      save.removeAttribute("aria-disabled");
      if (!answer.ok) {
        say(message, "Not saved: " + answer.error, "error");
        return;
      }
      if (open === state) closeForm(true, true);
      say(status, sentence(answer.message || "Saved; the page reloads once the preview has rebuilt it"));
    });
  }

  /* Close the form; give focus back to where it was (and the selection, for a new annotation). */
  function closeForm(giveBack, saved) {
    if (!open) return;
    var state = open;
    open = null;
    state.dialog.parentNode.removeChild(state.dialog);
    if (window.CSS && CSS.highlights) CSS.highlights.delete("briefings-pending");
    window.dispatchEvent(new Event("resize"));
    if (giveBack && state.restore) state.restore(!!saved);
  }

  /* Open the form for a new annotation of the selected passage. */
  function openAdd() {
    var picked = selectedRange() || pending;  // the selection now, not as the last (delayed) look saw it
    if (!picked) return;
    var p = passage(picked), block = blockOf(picked.range.endContainer, picked.range.endOffset);
    hideButton();
    var kind = choice(ctx.kinds || []), note = make("textarea", { rows: "4" }), id = make("input", { type: "text", autocomplete: "off", spellcheck: "false" });
    var speaker = choice((ctx.speakers || []).map(function (s) { return [s.id, s.name]; }), "None");
    var provision = choice(provisionOptions(), "None");
    if ((ctx.kinds || []).some(function (k) { return k[0] === "note"; })) kind.value = "note";
    showForm(block, {
      title: "Annotate", quote: p.quote, ranges: [p.range], submit: "Save",
      fields: [field("briefings-kind", ["Kind"], kind), field("briefings-speaker", ["Speaker"], speaker),
               field("briefings-provision", ["Provision"], provision),
               field("briefings-note", ["Note ", make("span", { "class": "briefings-hint" }, ["(Markdown)"])], note,
                     "Ctrl+Enter saves.", "briefings-field-wide"),
               field("briefings-id", ["Id ", make("span", { "class": "briefings-hint" }, ["(optional)"])], id,
                     "Left empty, the build derives one from the quote.", "briefings-field-wide briefings-field-id")],
      send: function () {
        return { action: "add", slug: ctx.slug, digest: ctx.digest, quote: p.quote, before: p.before, after: p.after,
                 kind: kind.value, note: note.value, speaker: speaker.value, provision: provision.value, id: id.value.trim() };
      }
    }, function (saved) {
      if (saved) return;
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(p.range);
      followSelection();
      if (button && button.parentNode) { tabbed = true; button.focus(); }
    });
  }

  /* Return the annotation of the context with this id, or null. */
  function annotation(id) {
    return (ctx.annotations || []).filter(function (a) { return a.id === id; })[0] || null;
  }

  /* Open the form that edits an annotation's note. */
  function openEdit(note, a, opener) {
    var text = make("textarea", { rows: "5" });
    text.value = a.note || "";
    showForm(note, {
      title: "Edit note " + numberOf(note), quote: quoteOf(a.id), ranges: marksOf(a.id), submit: "Save note", focus: text,
      fields: [field("briefings-note", ["Note ", make("span", { "class": "briefings-hint" }, ["(Markdown)"])], text,
                     "Ctrl+Enter saves. An empty note removes the note from the annotation.", "briefings-field-wide")],
      send: function () { return { action: "note", slug: ctx.slug, digest: ctx.digest, id: a.id, note: text.value }; }
    }, function () { opener.focus(); });
  }

  /* Open the form that confirms deleting an annotation. */
  function openDelete(note, a, opener) {
    showForm(note, {
      title: "Delete annotation " + numberOf(note), quote: quoteOf(a.id), ranges: marksOf(a.id), submit: "Delete annotation", danger: true,
      text: "This removes the annotation (" + a.id + ") and the comment lines right above it from the sidecar.",
      fields: [],
      send: function () { return { action: "delete", slug: ctx.slug, digest: ctx.digest, id: a.id }; }
    }, function () { if (opener.isConnected) opener.focus(); });
  }

  /* Return a note's number as the page shows it. */
  function numberOf(note) {
    var num = note.querySelector(".note-num");
    return num ? num.textContent.trim() : "";
  }

  /* Give each note of an annotation in the sidecar a line with its Edit and Delete buttons. */
  function noteActions() {
    Array.prototype.forEach.call(body.querySelectorAll("aside.note[id^='note-']"), function (note) {
      var a = annotation(note.id.slice(5));
      if (!a) return;
      var n = numberOf(note);
      var edit = make("button", { type: "button", "class": "briefings-note-action", "aria-haspopup": "dialog" },
        ["Edit note", make("span", { "class": "visually-hidden" }, [" " + n])]);
      var drop = make("button", { type: "button", "class": "briefings-note-action", "aria-haspopup": "dialog" },
        ["Delete", make("span", { "class": "visually-hidden" }, [" annotation " + n])]);
      edit.addEventListener("click", function () { openEdit(note, a, edit); });
      drop.addEventListener("click", function () { openDelete(note, a, drop); });
      (note.querySelector(".note-body") || note).appendChild(make("p", { "class": "briefings-ui briefings-note-tools" }, [edit, " ", drop]));
    });
  }

  // ---- The error page: "Use this passage" ----

  /* Make each repair button post its offer; say what came of it. */
  function repairButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("button.briefings-repair"), function (b) {
      b.addEventListener("click", function () {
        if (b.getAttribute("aria-disabled") === "true") return;
        b.setAttribute("aria-disabled", "true");
        say(status, "Applying the repair\u2026");
        call("POST", API, { action: "repair", offer: Number(b.getAttribute("data-offer")), quote: b.getAttribute("data-quote") })
          .then(function (answer) {
            b.removeAttribute("aria-disabled");
            if (answer.ok) say(status, sentence(answer.message || "Repaired; the page reloads once the preview has rebuilt it"));
            else say(status, "Not repaired: " + answer.error, "error");
          });
      });
    });
  }

  /* Start: the message line, the repair buttons, and on a briefing page the selection and notes. */
  function start() {
    status = statusLine();
    repairButtons();
    if (!body) return;
    call("GET", "/_briefings/context?page=" + encodeURIComponent(location.pathname)).then(function (answer) {
      if (!answer.ok) { say(status, "Annotating is off on this page: " + answer.error, "error"); return; }
      if (!answer.slug) return;
      ctx = answer;
      noteActions();
      window.dispatchEvent(new Event("resize"));  // the notes grew: the theme places them again
      document.addEventListener("selectionchange", later);
      document.addEventListener("mouseup", function () { setTimeout(followSelection, 0); });
      document.addEventListener("keydown", tabToButton, true);
      window.addEventListener("resize", function () { if (pending && button && button.parentNode) showButton(pending); });
      followSelection();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
