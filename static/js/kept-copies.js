/* Nothing typed in the article editor is lost when the session ends.
 *
 * - Kept copy: as the author types, the editor's fields are written to localStorage under the
 *   key the form names (data-kept-copy: one per user and page, see reviews/views/kept_copies.py),
 *   with the content hash the page was loaded with.
 * - Restore: when the editor opens showing something else than a kept copy (an empty form after
 *   logging in again, or the older saved text), the form is filled from the copy and says so.
 *   The copy's hash comes along, so saving over a version someone else saved meanwhile is refused
 *   as a conflict, as it would have been before the session ended.
 * - Forget: after a successful save the server names the copies it now has
 *   (<meta name="editorial-saved-copies">), and they are deleted; logging out deletes the user's.
 * - Session ended: an htmx request answered 401 (editorial/htmx.py) swaps nothing in; the page's
 *   notice [data-session-ended] is shown instead, and the focus stays where it is.
 *
 * Without JavaScript, or without localStorage, the pages work as before.
 */
(function () {
  "use strict";

  var FIELDS = ["title", "summary", "audience", "topic", "body", "content_hash"];
  var COMPARED = ["title", "summary", "audience", "topic", "body"];

  var storage = (function () {
    try {
      var probe = "editorial:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // disabled, or private browsing that refuses writes
    }
  })();

  function editorForm() {
    return document.querySelector("form[data-kept-copy]");
  }

  function fieldsOf(form) {
    var fields = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field) fields[name] = field.value;
    });
    fields.attached_sources = Array.prototype.map.call(
      form.querySelectorAll('input[name="attached_sources"]:checked'),
      function (input) {
        return { id: input.value, label: input.closest("label").textContent.trim() };
      }
    );
    return fields;
  }

  function sameText(a, b) {
    var ids = function (fields) {
      return (fields.attached_sources || []).map(function (source) { return source.id; }).sort().join(",");
    };
    return COMPARED.every(function (name) { return (a[name] || "") === (b[name] || ""); }) && ids(a) === ids(b);
  }

  function read(key) {
    try {
      var copy = JSON.parse(storage.getItem(key));
      return copy && copy.fields ? copy : null;
    } catch (error) {
      return null;
    }
  }

  function keep(form) {
    try {
      storage.setItem(form.dataset.keptCopy, JSON.stringify({ fields: fieldsOf(form), kept_at: Date.now() }));
    } catch (error) {
      // Full or refused: the page still works, the copy just is not kept.
    }
  }

  function fill(form, fields) {
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field && typeof fields[name] === "string") field.value = fields[name];
    });
    var wanted = {};
    (fields.attached_sources || []).forEach(function (source) { wanted[source.id] = source; });
    form.querySelectorAll('input[name="attached_sources"]').forEach(function (input) {
      input.checked = Object.prototype.hasOwnProperty.call(wanted, input.value);
      delete wanted[input.value];
    });
    Object.keys(wanted).forEach(function (id) {
      if (window.editorialAttach) window.editorialAttach(id, wanted[id].label);
    });
  }

  function refreshPreview(form) {
    if (window.htmx) window.htmx.trigger(form, "refresh-preview");
  }

  function forgetSaved() {
    var meta = document.querySelector('meta[name="editorial-saved-copies"]');
    if (!meta) return;
    meta.content.split(" ").forEach(function (key) {
      if (key) storage.removeItem(key);
    });
  }

  function restore(form) {
    var copy = read(form.dataset.keptCopy);
    if (!copy || sameText(copy.fields, fieldsOf(form))) return;
    fill(form, copy.fields);
    var notice = document.querySelector("[data-kept-copy-restored]");
    if (notice) notice.hidden = false;
    refreshPreview(form);
  }

  function discard(form) {
    form.reset(); // back to what the server sent
    var notice = document.querySelector("[data-kept-copy-restored]");
    if (notice) notice.hidden = true;
    refreshPreview(form);
    storage.removeItem(form.dataset.keptCopy); // after the refresh, which keeps a copy
  }

  function showSessionEnded(ended) {
    document.querySelectorAll("[data-session-ended]").forEach(function (notice) {
      notice.hidden = !ended;
    });
  }

  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 401) showSessionEnded(true);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) showSessionEnded(false);
  });

  if (!storage) return;

  document.addEventListener("DOMContentLoaded", function () {
    forgetSaved();
    var form = editorForm();
    if (!form) return;
    restore(form);
    // Typing, choosing, and the picker's "Cite" and "Attach" (which ask for a new preview).
    ["input", "change", "refresh-preview"].forEach(function (type) {
      form.addEventListener(type, function () { keep(form); });
    });
    var discardButton = document.querySelector("[data-kept-copy-discard]");
    if (discardButton) discardButton.addEventListener("click", function () { discard(form); });
  });

  document.addEventListener("submit", function (event) {
    var prefix = event.target.dataset && event.target.dataset.keptCopiesPrefix;
    if (!prefix) return;
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(prefix) === 0) storage.removeItem(key);
    }
  });
})();
