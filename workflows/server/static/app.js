// alhf review app: keyboard shortcuts. No framework, no build step.
// Item page: a approve, c correct (Ctrl+Enter sends), r reject (Enter in the reason sends), j/k next/previous.
// Queue page: j/k move the cursor, Enter opens the item.
(function () {
  "use strict";
  // Keys go to text fields while one has focus; a radio button or checkbox keeps the shortcuts.
  function typing(event) {
    var t = event.target;
    if (!t) { return false; }
    if (t.tagName === "INPUT") { return ["radio", "checkbox", "button", "submit"].indexOf(t.type) < 0; }
    return t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable;
  }
  function follow(id) { var link = document.getElementById(id); if (link) { window.location.href = link.href; } }
  function submitWith(verdict) {
    var button = document.getElementById(verdict);
    if (button) { button.click(); }
  }
  function queueRows() { return Array.prototype.slice.call(document.querySelectorAll("table.items tbody tr[data-href]")); }
  var cursor = -1;
  function moveCursor(step) {
    var rows = queueRows();
    if (!rows.length) { return; }
    if (cursor >= 0 && rows[cursor]) { rows[cursor].classList.remove("cursor"); }
    cursor = Math.max(0, Math.min(rows.length - 1, cursor + step));
    rows[cursor].classList.add("cursor");
    rows[cursor].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-href]");
    if (row && event.target.tagName !== "A") { window.location.href = row.dataset.href; }
  });
  document.addEventListener("keydown", function (event) {
    var correction = document.getElementById("correction");
    var reason = document.getElementById("reason");
    if (event.target === correction && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault(); submitWith("correct"); return;
    }
    if (event.target === reason && event.key === "Enter") { event.preventDefault(); submitWith("reject"); return; }
    if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
    // Enter on a score or a select must not submit the form as "approve" (the browser's implicit submission)
    if (event.key === "Enter" && event.target.form && event.target.tagName !== "TEXTAREA"
        && event.target.tagName !== "BUTTON") { event.preventDefault(); return; }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var form = document.getElementById("decision-form");
    switch (event.key) {
      case "a": if (form) { event.preventDefault(); submitWith("approve"); } break;
      case "c": if (correction) { event.preventDefault(); correction.focus(); } break;
      case "r": if (reason) { event.preventDefault(); reason.focus(); } break;
      case "j": if (queueRows().length) { moveCursor(1); } else { follow("next"); } break;
      case "k": if (queueRows().length) { moveCursor(-1); } else { follow("prev"); } break;
      case "Enter":
        var rows = queueRows();
        if (cursor >= 0 && rows[cursor]) { window.location.href = rows[cursor].dataset.href; }
        break;
    }
  });
}());
