/* Starts ReDoc on the API's documentation page (templates/drf_spectacular/redoc.html).
 *
 * ReDoc writes its styles as <style> elements; the page's Content-Security-Policy accepts them
 * with the nonce this script was loaded with, so it is handed to ReDoc.
 */
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var options = JSON.parse(container.getAttribute("data-settings") || "{}");
  options.nonce = document.currentScript.nonce;
  window.Redoc.init(container.getAttribute("data-spec-url"), options, container);
})();
