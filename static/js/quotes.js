/* Comments on passages: selecting text in the article fills the comment form's quote
 * (W3C TextQuoteSelector: exact, with up to 32 characters of prefix and suffix), and each
 * thread's quote is marked in the article where it still reads. Without JavaScript the form
 * takes a general comment.
 */
(function () {
  "use strict";

  var CONTEXT = 32;

  function squash(text) {
    return text.replace(/\s+/g, " ");
  }

  function offsetIn(root, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(root);
    range.setEnd(node, offset);
    return squash(range.toString()).length;
  }

  function fillQuote(root, form) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return;
    }
    var range = selection.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) {
      return;
    }
    var text = squash(root.textContent);
    var start = offsetIn(root, range.startContainer, range.startOffset);
    var end = offsetIn(root, range.endContainer, range.endOffset);
    var exact = text.slice(start, end).trim();
    if (!exact) {
      return;
    }
    form.querySelector("[name=exact]").value = exact;
    form.querySelector("[name=prefix]").value = text.slice(Math.max(0, start - CONTEXT), start);
    form.querySelector("[name=suffix]").value = text.slice(end, end + CONTEXT);
  }

  function markQuotes(root) {
    document.querySelectorAll("[data-quote-exact]").forEach(function (quote) {
      if (quote.closest(".thread-outdated")) {
        return;
      }
      var exact = quote.getAttribute("data-quote-exact");
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var node;
      while ((node = walker.nextNode())) {
        var at = node.nodeValue.indexOf(exact);
        if (at >= 0) {
          var range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + exact.length);
          var mark = document.createElement("mark");
          mark.className = "quoted";
          range.surroundContents(mark);
          return;
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-quotable]");
    var form = document.querySelector("[data-quote-form]");
    if (!root) {
      return;
    }
    markQuotes(root);
    if (form) {
      root.addEventListener("mouseup", function () { fillQuote(root, form); });
      root.addEventListener("keyup", function () { fillQuote(root, form); });
      document.addEventListener("selectionchange", function () { fillQuote(root, form); });
    }
  });
})();
