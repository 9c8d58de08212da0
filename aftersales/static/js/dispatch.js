/* The dispatch board. Each row's technician picker shows every technician's open orders, "张伟 (5)".
 * After an assignment only that row is redrawn, and the technicians' panel reloads with the new loads
 * (htmx, on "dispatch-changed"); the pickers of the other rows take the new numbers from the panel, or
 * they would keep offering the technician just given an order as the least loaded one. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail && event.detail.target;
    if (!panel || panel.id !== "dispatch-technicians") {
      return;
    }
    panel.querySelectorAll("[data-technician][data-open-load]").forEach(function (item) {
      var selector = '.dispatch-row option[data-technician-name][value="' + item.dataset.technician + '"]';
      document.querySelectorAll(selector).forEach(function (option) {
        option.textContent = option.dataset.technicianName + " (" + item.dataset.openLoad + ")";
      });
    });
  });
})();
