/* The editorial app's small enhancements; every page works without them.
 *
 * - Source picker: "Cite" inserts [@key] at the cursor of the body, "Attach" adds the source to
 *   the attached-sources list; both refresh the live preview (the form's htmx trigger).
 * - Conflict form: the statement box shows only when a conflict is declared.
 */
(function () {
  "use strict";

  function articleForm() {
    return document.getElementById("article-form");
  }

  function refreshPreview() {
    var form = articleForm();
    if (form && window.htmx) {
      window.htmx.trigger(form, "refresh-preview");
    }
  }

  function cite(key) {
    var body = document.getElementById("id_body");
    if (!body) return;
    var text = "[@" + key + "]";
    var start = body.selectionStart, end = body.selectionEnd;
    if (typeof start !== "number") {
      start = end = body.value.length;
    }
    // Keep a space between the previous word and the citation.
    if (start > 0 && !/\s/.test(body.value.charAt(start - 1))) text = " " + text;
    body.setRangeText(text, start, end, "end");
    body.focus();
    refreshPreview();
  }

  function attach(id, label) {
    var list = document.getElementById("attached-sources");
    if (!list) return;
    var existing = list.querySelector('input[name="attached_sources"][value="' + id + '"]');
    if (existing) {
      existing.checked = true;
    } else {
      var empty = list.querySelector("[data-empty]");
      if (empty) empty.remove();
      var item = document.createElement("li");
      var labelEl = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.name = "attached_sources";
      input.value = id;
      input.checked = true;
      labelEl.appendChild(input);
      labelEl.appendChild(document.createTextNode(" " + label));
      item.appendChild(labelEl);
      list.appendChild(item);
    }
    refreshPreview();
  }

  // kept-copies.js attaches the sources of a restored copy the same way.
  window.editorialAttach = attach;

  document.addEventListener("click", function (event) {
    var citeButton = event.target.closest("[data-cite-key]");
    if (citeButton) {
      cite(citeButton.getAttribute("data-cite-key"));
      return;
    }
    var attachButton = event.target.closest("[data-attach-id]");
    if (attachButton) {
      attach(attachButton.getAttribute("data-attach-id"), attachButton.getAttribute("data-attach-label"));
      attachButton.textContent = "Attached";
    }
  });

  function syncConflictStatement() {
    var statement = document.querySelector("[data-conflict-statement]");
    if (!statement) return;
    var yes = document.querySelector('input[name="has_conflict"][value="yes"]');
    statement.hidden = !(yes && yes.checked) && !statement.querySelector(".errorlist");
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "has_conflict") syncConflictStatement();
  });
  document.addEventListener("DOMContentLoaded", syncConflictStatement);
})();
