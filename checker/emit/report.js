/* checker report: a review workspace in one file.
   Select a finding (click, j/k, arrows, deep link #finding-ID); filter by severity, kind, language,
   review status and text; mark findings accepted / dismissed / unsure with a comment (kept in
   localStorage, exported as checker-decisions/1 JSON). Toggles classes and `hidden`, moves the one
   review form, and writes report or user text only through textContent / value: never HTML. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var STATUSES = ["accepted", "dismissed", "unsure"];
  var LABEL = { accepted: "Accepted", dismissed: "Dismissed", unsure: "Unsure" };
  var ICON = { accepted: "✓", dismissed: "✕", unsure: "?" };
  var KEY_STATUS = { a: "accepted", d: "dismissed", u: "unsure" };

  function normalize(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function init() {
    var body = document.body;
    var schema = body.dataset.decisionsSchema || "checker-decisions/1";
    var storageKey = schema + ":" + (body.dataset.reviewKey || "report");
    var list = Array.prototype.slice.call(document.querySelectorAll("li.finding")); // report order
    var items = new Map(); // finding id -> li.finding
    var marks = new Map(); // finding id -> [mark.hl]
    var rowCache = new Map(); // finding id -> [tr]
    var rowShown = new Map(); // tr -> number of shown findings touching it
    var active = null;
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var $ = function (id) { return document.getElementById(id); };

    list.forEach(function (li) {
      if (!items.has(li.dataset.findingId)) items.set(li.dataset.findingId, li);
    });
    document.querySelectorAll("mark.hl").forEach(function (m) {
      var id = m.dataset.findingId;
      if (!marks.has(id)) marks.set(id, []);
      marks.get(id).push(m);
    });

    function rowsOf(li) {
      var id = li.dataset.findingId;
      if (!rowCache.has(id)) {
        rowCache.set(id, (li.dataset.rows || "").split(" ").filter(Boolean)
          .map(function (rid) { return document.getElementById(rid); }).filter(Boolean));
      }
      return rowCache.get(id);
    }
    list.forEach(function (li) {
      rowsOf(li).forEach(function (tr) { rowShown.set(tr, (rowShown.get(tr) || 0) + 1); });
    });

    // --- review decisions ---------------------------------------------------------------

    var decisions = new Map(); // finding id (in this report) -> {status, comment}
    var extra = new Map(); // decisions for findings not in this report (carried into the export)
    var storageOk = true;

    document.querySelectorAll("[data-decision-id]").forEach(function (el) {
      if (STATUSES.indexOf(el.dataset.status) >= 0) {
        extra.set(el.dataset.decisionId, { status: el.dataset.status, comment: el.dataset.comment || "" });
      }
    });
    list.forEach(function (li) {
      if (STATUSES.indexOf(li.dataset.status) >= 0) {
        decisions.set(li.dataset.findingId, { status: li.dataset.status, comment: li.dataset.comment || "" });
      }
    });
    var saved = null;
    try {
      saved = window.localStorage.getItem(storageKey);
    } catch (e) {
      storageOk = false; // e.g. storage turned off for files: the page says so, export still works
    }
    try {
      saved = JSON.parse(saved || "null");
    } catch (e) {
      saved = null; // unreadable: start from the report's own state
    }
    if (saved && Array.isArray(saved.decisions)) {
      saved.decisions.forEach(function (d) {
        if (!d || typeof d.id !== "string") return;
        var status = STATUSES.indexOf(d.status) >= 0 ? d.status : "";
        var entry = { status: status, comment: typeof d.comment === "string" ? d.comment : "" };
        (items.has(d.id) ? decisions : extra).set(d.id, entry);
      });
    }

    function decisionOf(id) {
      var d = decisions.get(id);
      return d && d.status ? d : null;
    }

    function persist() {
      var out = [];
      decisions.forEach(function (d, id) { out.push({ id: id, status: d.status, comment: d.comment }); });
      extra.forEach(function (d, id) { out.push({ id: id, status: d.status, comment: d.comment }); });
      try {
        window.localStorage.setItem(storageKey, JSON.stringify({ schema: schema, saved: new Date().toISOString(), decisions: out }));
        storageOk = true;
      } catch (e) {
        storageOk = false;
      }
    }

    function paintDecision(li) {
      var d = decisionOf(li.dataset.findingId);
      var status = d ? d.status : "";
      if (status) li.dataset.status = status; else delete li.dataset.status;
      var badge = li.querySelector(".review-badge");
      var note = li.querySelector(".review-comment");
      badge.hidden = !status;
      badge.textContent = status ? ICON[status] + " " + LABEL[status] : "";
      if (status) badge.className = "review-badge rs-" + status; else badge.className = "review-badge";
      note.hidden = !(d && d.comment);
      note.textContent = d && d.comment ? d.comment : "";
      var detail = document.getElementById(li.dataset.detail);
      var printed = detail && detail.querySelector(".review-note");
      if (printed) {
        printed.hidden = !status;
        printed.textContent = status ? "Review: " + LABEL[status] + (d.comment ? " — " + d.comment : "") : "";
      }
    }

    var countEls = {};
    document.querySelectorAll("[data-count]").forEach(function (el) {
      (countEls[el.dataset.count] = countEls[el.dataset.count] || []).push(el);
    });
    var meter = document.querySelector(".review-meter");

    function paintCounts() {
      var n = { accepted: 0, dismissed: 0, unsure: 0, reviewed: 0 };
      items.forEach(function (li, id) {
        var d = decisionOf(id);
        if (d) { n[d.status] += 1; n.reviewed += 1; }
      });
      Object.keys(n).forEach(function (k) {
        (countEls[k] || []).forEach(function (el) { el.textContent = n[k].toLocaleString("en"); });
      });
      if (meter) meter.value = n.reviewed;
    }

    var statusFilterStale = false;

    function setDecision(id, status, comment) {
      var li = items.get(id);
      if (!li) return;
      decisions.set(id, { status: status || "", comment: comment || "" });
      paintDecision(li);
      paintCounts();
      persist();
      if (filters.status) statusFilterStale = true; // re-filtered when the selection moves on
      if (id === active) {
        syncForm(id);
        revealInList(li); // its badge made it taller
      }
      savedNote(status ? LABEL[status] + (storageOk ? " · saved in this browser" : " · not saved: export before closing")
        : (storageOk ? "Cleared · saved in this browser" : "Cleared"));
    }

    list.forEach(paintDecision);
    paintCounts();

    // --- the review form (one, moved into the selected finding) ---------------------------

    var home = $("review-home");
    var form = $("review-form");
    var comment = $("review-comment");
    var radios = form ? Array.prototype.slice.call(form.querySelectorAll("input[name=review-status]")) : [];
    var savedEl = form && form.querySelector(".review-saved");
    var commentTimer = null;
    var savedTimer = null;

    function savedNote(text) {
      if (!savedEl) return;
      savedEl.textContent = text;
      clearTimeout(savedTimer);
      savedTimer = setTimeout(function () { savedEl.textContent = ""; }, 2500);
    }

    function syncForm(id) {
      var d = decisions.get(id) || { status: "", comment: "" };
      radios.forEach(function (r) { r.checked = r.value === d.status; });
      if (document.activeElement !== comment) comment.value = d.comment || "";
    }

    function flushComment() {
      if (commentTimer === null || active === null) return;
      clearTimeout(commentTimer);
      commentTimer = null;
      var d = decisions.get(active) || { status: "", comment: "" };
      var text = comment.value;
      if (text === d.comment) return;
      setDecision(active, d.status || (text.trim() ? "unsure" : ""), text);
    }

    function attachForm(li) {
      if (!form) return;
      var detail = document.getElementById(li.dataset.detail);
      if (!detail) return;
      detail.insertBefore(form, detail.querySelector(".versions"));
      syncForm(li.dataset.findingId);
    }

    function detachForm() {
      if (form && home && form.parentNode !== home) home.appendChild(form);
    }

    if (form) {
      radios.forEach(function (r) {
        r.addEventListener("change", function () {
          if (active !== null && r.checked) setDecision(active, r.value, comment.value);
        });
      });
      comment.addEventListener("input", function () {
        clearTimeout(commentTimer);
        commentTimer = setTimeout(flushComment, 400);
      });
      comment.addEventListener("blur", flushComment);
      $("review-clear").addEventListener("click", function () {
        if (active === null) return;
        clearTimeout(commentTimer);
        commentTimer = null;
        comment.value = "";
        setDecision(active, "", "");
      });
    }

    // --- selection -----------------------------------------------------------------------

    function setShown(li, on) {
      var detail = document.getElementById(li.dataset.detail);
      var vset = li.closest(".vset");
      var empty = vset && vset.querySelector(".detail-empty");
      if (detail) detail.hidden = !on;
      if (empty) empty.hidden = on;
      li.classList.toggle("selected", on);
      li.querySelector(".finding-btn").setAttribute("aria-pressed", on ? "true" : "false");
      rowsOf(li).forEach(function (row) { row.classList.toggle("selected", on); });
      (marks.get(li.dataset.findingId) || []).forEach(function (m) { m.classList.toggle("active", on); });
    }

    function clear() {
      if (active === null) return;
      flushComment();
      setShown(items.get(active), false);
      detachForm();
      active = null;
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    }

    function revealInList(li) {
      var box = li.closest(".findings");
      if (!box) return;
      var lr = box.getBoundingClientRect(), ir = li.getBoundingClientRect();
      if (ir.top < lr.top || ir.bottom > lr.bottom) {
        box.scrollTop += ir.top - lr.top - (lr.height - ir.height) / 2;
      }
    }

    function select(id, opts) {
      var li = items.get(id);
      if (!li || li.hidden) return false;
      flushComment();
      if (active !== null && active !== id) setShown(items.get(active), false);
      active = id;
      setShown(li, true);
      attachForm(li);
      var behavior = opts.instant || reduceMotion ? "auto" : "smooth";
      if (opts.scroll) {
        var rows = rowsOf(li);
        if (rows.length) rows[0].scrollIntoView({ block: "center", behavior: behavior });
        else li.scrollIntoView({ block: "nearest", behavior: behavior });
      }
      if (opts.reveal) revealInList(li);
      if (opts.updateHash) history.replaceState(null, "", "#finding-" + encodeURIComponent(id));
      if (opts.focus) li.querySelector(".finding-btn").focus({ preventScroll: true });
      return true;
    }

    function idFromHash() {
      var hash = location.hash.slice(1);
      try { hash = decodeURIComponent(hash); } catch (e) { return null; }
      return hash.indexOf("finding-") === 0 ? hash.slice("finding-".length) : null;
    }

    function shownList() {
      return list.filter(function (li) { return !li.hidden; });
    }

    function step(delta) {
      var shown = shownList();
      var at = active === null ? -1 : shown.indexOf(items.get(active));
      var target = at < 0 ? (delta > 0 ? shown[0] : shown[shown.length - 1]) : shown[at + delta];
      if (statusFilterStale) {
        statusFilterStale = false;
        applyFilters(target ? target.dataset.findingId : null);
      }
      if (!target) {
        announce(shown.length ? (delta > 0 ? "Last finding" : "First finding") : "No finding matches the filters");
        return;
      }
      select(target.dataset.findingId, { scroll: true, reveal: true, updateHash: true, focus: true, instant: true });
    }

    document.addEventListener("click", function (e) {
      var btn = e.target.closest(".finding-btn");
      if (btn) {
        select(btn.closest("li.finding").dataset.findingId, { scroll: true, updateHash: true });
        return;
      }
      var mark = e.target.closest("mark.hl");
      if (mark && !mark.classList.contains("off")) {
        select(mark.dataset.findingId, { scroll: false, reveal: true, updateHash: true });
      }
    });

    function isTyping(el) {
      if (!el || !el.closest) return false;
      if (el.isContentEditable || el.closest("textarea, select")) return true;
      var input = el.closest("input");
      return !!input && ["checkbox", "radio", "button", "file"].indexOf(input.type) < 0;
    }

    var search = $("search");
    // Single-key shortcuts (j k a d u /) can be turned off (WCAG 2.1.4); the choice is remembered.
    var shortcuts = $("key-shortcuts");
    var SHORTCUTS_KEY = "checker-report:single-key-shortcuts";
    try {
      if (shortcuts && window.localStorage.getItem(SHORTCUTS_KEY) === "off") shortcuts.checked = false;
    } catch (e) { /* storage unavailable: keep the default */ }
    if (shortcuts) shortcuts.addEventListener("change", function () {
      try { window.localStorage.setItem(SHORTCUTS_KEY, shortcuts.checked ? "on" : "off"); } catch (e) { /* ignore */ }
    });

    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (e.key === "Escape") {
        if (t === search && search.value) return; // the search box clears itself
        if (t === comment) { flushComment(); items.get(active) && items.get(active).querySelector(".finding-btn").focus(); return; }
        clear();
        return;
      }
      if (t === search && (e.key === "Enter" || e.key === "ArrowDown")) {
        e.preventDefault(); // from the search box to the first finding it left
        var first = shownList()[0];
        if (first) select(first.dataset.findingId, { scroll: true, reveal: true, updateHash: true, focus: true, instant: true });
        return;
      }
      if (isTyping(t)) return;
      var single = !shortcuts || shortcuts.checked;
      if (single && (e.key === "j" || e.key === "k")) {
        e.preventDefault();
        step(e.key === "j" ? 1 : -1);
        return;
      }
      if ((e.key === "ArrowDown" || e.key === "ArrowUp") && t.closest && t.closest(".finding-btn")) {
        e.preventDefault();
        step(e.key === "ArrowDown" ? 1 : -1);
        return;
      }
      if (single && e.key === "/" && search) {
        e.preventDefault();
        search.focus();
        search.select();
        return;
      }
      if (single && KEY_STATUS[e.key] && active !== null && !e.shiftKey) {
        e.preventDefault();
        setDecision(active, KEY_STATUS[e.key], (decisions.get(active) || {}).comment || "");
        announce(LABEL[KEY_STATUS[e.key]]);
      }
    });

    // --- filters -------------------------------------------------------------------------

    var sevInputs = Array.prototype.slice.call(document.querySelectorAll("input.sev-filter"));
    var kindSel = $("filter-kind"), langSel = $("filter-lang"), statusSel = $("filter-status");
    var shownCount = $("shown-count");
    var resetBtn = $("reset-filters");
    var haystacks = null; // finding id -> normalized searchable text
    var filters = { sev: {}, kind: "", lang: "", status: "", terms: [] };

    function buildHaystacks() {
      if (haystacks) return haystacks;
      haystacks = new Map();
      list.forEach(function (li) {
        var detail = document.getElementById(li.dataset.detail);
        var versions = detail && detail.querySelector(".versions");
        haystacks.set(li.dataset.findingId, normalize(
          li.dataset.findingId + "\n" + li.dataset.kind + "\n" +
          li.querySelector(".finding-msg").textContent + "\n" + (versions ? versions.textContent : "")));
      });
      return haystacks;
    }

    function readFilters() {
      var sev = {};
      sevInputs.forEach(function (input) { sev[input.value] = input.checked; });
      filters = {
        sev: sev,
        kind: kindSel ? kindSel.value : "",
        lang: langSel ? langSel.value : "",
        status: statusSel ? statusSel.value : "",
        terms: search ? normalize(search.value).split(/\s+/).filter(Boolean) : []
      };
      return filters;
    }

    function narrowed(f) {
      return f.kind || f.lang || f.status || f.terms.length ||
        sevInputs.some(function (input) { return !input.checked; });
    }

    function matches(li, f, hay) {
      if (f.sev[li.dataset.severity] === false) return false;
      if (f.kind && li.dataset.kind !== f.kind) return false;
      if (f.lang && (" " + li.dataset.langs + " ").indexOf(" " + f.lang + " ") < 0) return false;
      if (f.status) {
        var d = decisionOf(li.dataset.findingId);
        if (f.status === "none" ? d : f.status === "reviewed" ? !d : !d || d.status !== f.status) return false;
      }
      if (f.terms.length) {
        var text = hay.get(li.dataset.findingId);
        for (var i = 0; i < f.terms.length; i++) if (text.indexOf(f.terms[i]) < 0) return false;
      }
      return true;
    }

    function applyFilters(keepId) {
      var f = readFilters();
      var hay = f.terms.length ? buildHaystacks() : null;
      var shown = 0;
      list.forEach(function (li) {
        var show = matches(li, f, hay) || li.dataset.findingId === keepId;
        if (show) shown += 1;
        if (li.hidden !== !show) {
          li.hidden = !show;
          var detail = document.getElementById(li.dataset.detail);
          if (detail) detail.classList.toggle("filtered-out", !show);
          (marks.get(li.dataset.findingId) || []).forEach(function (m) { m.classList.toggle("off", !show); });
          rowsOf(li).forEach(function (tr) {
            var n = (rowShown.get(tr) || 0) + (show ? 1 : -1);
            rowShown.set(tr, n);
            tr.classList.toggle("match", n > 0);
          });
        }
      });
      var isNarrowed = narrowed(f);
      document.querySelectorAll(".vset").forEach(function (vset) {
        var boxes = vset.querySelectorAll("li.finding");
        var visible = 0;
        for (var i = 0; i < boxes.length; i++) if (!boxes[i].hidden) visible += 1;
        var note = vset.querySelector(".all-filtered");
        if (note) note.hidden = visible > 0 || !boxes.length;
        var count = vset.querySelector(".pane-title .shown");
        if (count) {
          count.hidden = !isNarrowed || !boxes.length;
          count.textContent = visible + " of ";
        }
        var none = isNarrowed && visible === 0;
        vset.classList.toggle("no-match", none);
        var nomatch = vset.querySelector(".vset-nomatch");
        if (nomatch) nomatch.hidden = !none;
      });
      body.classList.toggle("narrowed", !!isNarrowed);
      if (shownCount) {
        shownCount.textContent = isNarrowed
          ? shown.toLocaleString("en") + " of " + list.length.toLocaleString("en") + " findings shown"
          : list.length.toLocaleString("en") + (list.length === 1 ? " finding" : " findings");
      }
      if (resetBtn) resetBtn.hidden = !isNarrowed;
      if (active !== null && items.get(active).hidden) clear();
      return shown;
    }

    sevInputs.forEach(function (input) { input.addEventListener("change", function () { applyFilters(); }); });
    [kindSel, langSel, statusSel].forEach(function (sel) {
      if (sel) sel.addEventListener("change", function () { statusFilterStale = false; applyFilters(); });
    });
    if (search) search.addEventListener("input", function () { applyFilters(); });
    if (resetBtn) resetBtn.addEventListener("click", function () { resetFilters(); applyFilters(); search && search.focus(); });

    function resetFilters() {
      sevInputs.forEach(function (input) { input.checked = true; });
      [kindSel, langSel, statusSel].forEach(function (sel) { if (sel) sel.value = ""; });
      if (search) search.value = "";
    }

    // A count in the overview table filters the list to those findings.
    document.querySelectorAll("button.count-filter").forEach(function (btn) {
      btn.addEventListener("click", function () {
        resetFilters();
        if (btn.dataset.severity) {
          sevInputs.forEach(function (input) { input.checked = input.value === btn.dataset.severity; });
        }
        if (kindSel && btn.dataset.kind) kindSel.value = btn.dataset.kind;
        if (langSel && btn.dataset.lang) langSel.value = btn.dataset.lang;
        applyFilters();
        var first = shownList()[0];
        if (first) select(first.dataset.findingId, { scroll: true, reveal: true, updateHash: true, focus: true });
      });
    });

    $("next-finding") && $("next-finding").addEventListener("click", function () { step(1); });
    $("prev-finding") && $("prev-finding").addEventListener("click", function () { step(-1); });

    var pivots = $("show-pivots");
    var flagged = $("only-flagged");
    function applyToggles() {
      if (pivots) body.classList.toggle("hide-pivots", !pivots.checked);
      if (flagged) body.classList.toggle("only-flagged", flagged.checked);
    }
    if (pivots) pivots.addEventListener("change", applyToggles);
    if (flagged) flagged.addEventListener("change", applyToggles);

    // --- export / import ------------------------------------------------------------------

    var message = document.querySelector(".review-message");
    function announce(text) {
      if (!message) return;
      message.textContent = "";
      window.setTimeout(function () { message.textContent = text; }, 30);
    }

    function exportDoc() {
      var out = [];
      list.forEach(function (li) {
        var d = decisionOf(li.dataset.findingId);
        if (d) out.push({ id: li.dataset.findingId, status: d.status, comment: d.comment || "" });
      });
      extra.forEach(function (d, id) {
        if (d.status) out.push({ id: id, status: d.status, comment: d.comment || "" });
      });
      return {
        schema: schema,
        report: { key: body.dataset.reviewKey || "", signature: body.dataset.signature || "", findings: list.length },
        exported: new Date().toISOString(),
        decisions: out
      };
    }

    function fileName() {
      var name = decodeURIComponent(location.pathname.split("/").pop() || "").replace(/\.html?$/i, "");
      return (name || "checker") + ".decisions.json";
    }

    var exportBtn = $("export-decisions");
    if (exportBtn) exportBtn.addEventListener("click", function () {
      flushComment();
      var doc = exportDoc();
      var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = fileName();
      a.hidden = true;
      body.appendChild(a);
      a.click();
      window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      announce("Exported " + doc.decisions.length + (doc.decisions.length === 1 ? " decision" : " decisions") +
        " to " + a.download);
    });

    var importBtn = $("import-decisions"), importFile = $("import-file");
    if (importBtn && importFile) {
      importBtn.addEventListener("click", function () { importFile.click(); });
      importFile.addEventListener("change", function () {
        var file = importFile.files && importFile.files[0];
        if (!file) return;
        file.text().then(function (text) {
          var doc = JSON.parse(text);
          if (!doc || doc.schema !== schema || !Array.isArray(doc.decisions)) {
            throw new Error("not a " + schema + " file");
          }
          var here = 0, elsewhere = 0;
          doc.decisions.forEach(function (d) {
            if (!d || typeof d.id !== "string" || STATUSES.indexOf(d.status) < 0) return;
            var entry = { status: d.status, comment: typeof d.comment === "string" ? d.comment : "" };
            if (items.has(d.id)) { decisions.set(d.id, entry); here += 1; }
            else { extra.set(d.id, entry); elsewhere += 1; }
          });
          list.forEach(paintDecision);
          paintCounts();
          persist();
          if (active !== null) syncForm(active);
          applyFilters();
          announce("Imported " + here + " decision" + (here === 1 ? "" : "s") + " from " + file.name +
            (elsewhere ? " (" + elsewhere + " for findings not in this report, kept for the export)" : ""));
        }).catch(function (err) {
          announce("Could not import " + file.name + ": " + (err && err.message ? err.message : err));
        }).then(function () { importFile.value = ""; });
      });
    }

    if (!storageOk) announce("This browser does not keep decisions for this file: export them before closing.");

    // --- layout: the sticky toolbar's height, for the sticky table headers ------------------

    var toolbar = document.querySelector(".toolbar");
    if (toolbar && window.ResizeObserver) {
      new ResizeObserver(function () {
        document.documentElement.style.setProperty("--toolbar-h", toolbar.offsetHeight + "px");
      }).observe(toolbar);
    }

    window.addEventListener("hashchange", function () {
      var id = idFromHash();
      if (id !== null) select(id, { scroll: true, reveal: true });
    });

    applyFilters();
    applyToggles();
    var initial = idFromHash();
    if (initial !== null) select(initial, { scroll: true, reveal: true, instant: true });
    if (window.requestIdleCallback) window.requestIdleCallback(buildHaystacks, { timeout: 2000 });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
