/* Order screens. No inline handlers: the CSP forbids them.
 *   data-print               on a button: open the browser's print dialog (service record form).
 *   #order-filter (htmx)     leave empty filters out of the request, so the pushed URL stays short.
 *   #order-filter-panel      the filters' <details>: open from 576 px up (the CSS shows it there too;
 *                            this is for browsers without ::details-content). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  var wide = window.matchMedia("(min-width: 576px)");
  function openOnWideScreens() {
    var panel = document.getElementById("order-filter-panel");
    if (panel && wide.matches) {
      panel.open = true;
    }
  }
  openOnWideScreens();
  wide.addEventListener("change", openOnWideScreens);

  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    var data = event.detail.formData;
    if (!source || source.id !== "order-filter" || !data) {
      return;
    }
    Array.from(data.keys()).forEach(function (name) {
      if (data.getAll(name).every(function (value) { return value === ""; })) {
        data.delete(name);
      }
    });
  });
})();
