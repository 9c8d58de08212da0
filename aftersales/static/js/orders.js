/* Order screens: the "Print" button on the service record form (data-print). No inline handlers:
 * the CSP forbids them. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
