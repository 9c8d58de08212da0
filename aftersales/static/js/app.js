/* AfterSales behaviour. The CSP forbids inline scripts and on* attributes, so behaviour is
 * attached here through data-* attributes:
 *   data-confirm="Text"   on a form or button: ask before submitting.
 *   data-autosubmit       on a select/input inside a form: submit the form when it changes.
 * htmx needs no setup beyond the <meta name="htmx-config"> in base.html. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.requestSubmit();
    }
  });

  // Move focus to the main region after htmx replaces it, so screen readers follow the change.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "main") {
      event.detail.target.focus();
    }
  });
})();
