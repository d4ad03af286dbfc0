/* checker report: select a finding, filter by severity, toggle pivots, deep links (#finding-ID).
   Only toggles classes and the `hidden` attribute; never builds HTML from report text. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function init() {
    var body = document.body;
    var items = new Map(); // finding id -> li.finding
    var marks = new Map(); // finding id -> [mark.hl]
    var active = null;
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    document.querySelectorAll("li.finding").forEach(function (li) {
      if (!items.has(li.dataset.findingId)) items.set(li.dataset.findingId, li);
    });
    document.querySelectorAll("mark.hl").forEach(function (m) {
      var id = m.dataset.findingId;
      if (!marks.has(id)) marks.set(id, []);
      marks.get(id).push(m);
    });

    function rowsOf(li) {
      return (li.dataset.rows || "").split(" ").filter(Boolean)
        .map(function (id) { return document.getElementById(id); })
        .filter(Boolean);
    }

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
      setShown(items.get(active), false);
      active = null;
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    }

    function revealInList(li) {
      var list = li.closest(".findings");
      if (!list) return;
      var lr = list.getBoundingClientRect(), ir = li.getBoundingClientRect();
      if (ir.top < lr.top || ir.bottom > lr.bottom) {
        list.scrollTop += ir.top - lr.top - (lr.height - ir.height) / 2;
      }
    }

    function select(id, opts) {
      var li = items.get(id);
      if (!li || li.hidden) return false;
      if (active !== null && active !== id) setShown(items.get(active), false);
      active = id;
      setShown(li, true);
      var rows = rowsOf(li);
      if (opts.scroll && rows.length) {
        rows[0].scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
      }
      if (opts.reveal) revealInList(li);
      if (opts.updateHash) history.replaceState(null, "", "#finding-" + encodeURIComponent(id));
      return true;
    }

    function idFromHash() {
      var hash = location.hash.slice(1);
      try { hash = decodeURIComponent(hash); } catch (e) { return null; }
      return hash.indexOf("finding-") === 0 ? hash.slice("finding-".length) : null;
    }

    function visibleButtons(list) {
      return Array.prototype.filter.call(list.querySelectorAll("li.finding"), function (li) { return !li.hidden; })
        .map(function (li) { return li.querySelector(".finding-btn"); });
    }

    document.addEventListener("click", function (e) {
      var btn = e.target.closest(".finding-btn");
      if (btn) {
        var id = btn.closest("li.finding").dataset.findingId;
        select(id, { scroll: true, updateHash: true });
        return;
      }
      var mark = e.target.closest("mark.hl");
      if (mark) select(mark.dataset.findingId, { scroll: false, reveal: true, updateHash: true });
    });

    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { clear(); return; }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var btn = e.target.closest && e.target.closest(".finding-btn");
      if (!btn) return;
      var buttons = visibleButtons(btn.closest(".findings"));
      var next = buttons[buttons.indexOf(btn) + (e.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        e.preventDefault();
        next.focus();
        select(next.closest("li.finding").dataset.findingId, { scroll: true, reveal: true, updateHash: true });
      }
    });

    function applyFilter() {
      var shown = {};
      document.querySelectorAll("input.sev-filter").forEach(function (input) {
        shown[input.value] = input.checked;
        body.classList.toggle("hide-sev-" + input.value, !input.checked);
      });
      document.querySelectorAll("li.finding").forEach(function (li) {
        li.hidden = shown[li.dataset.severity] === false;
      });
      document.querySelectorAll(".findings").forEach(function (list) {
        var note = list.parentElement.querySelector(".all-filtered");
        if (note) note.hidden = visibleButtons(list).length > 0;
      });
      if (active !== null && items.get(active).hidden) clear();
    }

    document.querySelectorAll("input.sev-filter").forEach(function (input) {
      input.addEventListener("change", applyFilter);
    });

    var pivots = document.getElementById("show-pivots");
    var flagged = document.getElementById("only-flagged");
    function applyToggles() {
      if (pivots) body.classList.toggle("hide-pivots", !pivots.checked);
      if (flagged) body.classList.toggle("only-flagged", flagged.checked);
    }
    if (pivots) pivots.addEventListener("change", applyToggles);
    if (flagged) flagged.addEventListener("change", applyToggles);

    window.addEventListener("hashchange", function () {
      var id = idFromHash();
      if (id !== null) select(id, { scroll: true, reveal: true });
    });

    applyFilter();
    applyToggles();
    var initial = idFromHash();
    if (initial !== null) select(initial, { scroll: true, reveal: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
