/* Hotline intake (来电登记). Attached through data-* attributes (the CSP forbids inline scripts):
 *   [data-no-enter-submit]   Enter looks the number up at once instead of submitting the form.
 *   [data-pick-customer]     a lookup result button: fills the hidden customer_id/contact_id (and
 *   [data-pick-unit]         unit_id), and the reporter's name/phone when they are still empty.
 *   [data-intake-kind]       shows the consultation box only for kind = consultation.
 * The lookup itself is htmx (hx-get on the phone and serial fields). */
(function () {
  "use strict";

  function form() {
    return document.querySelector("[data-intake-form]");
  }

  function field(name) {
    var f = form();
    return f ? f.elements.namedItem(name) : null;
  }

  function setIfEmpty(name, value) {
    var input = field(name);
    if (input && !input.value && value) {
      input.value = value;
    }
  }

  // Show which customer/unit is picked: cards, rows and buttons follow the hidden fields.
  function showPicked() {
    var customer = (field("customer_id") || {}).value || "";
    var unit = (field("unit_id") || {}).value || "";
    document.querySelectorAll("[data-customer-card]").forEach(function (card) {
      card.classList.toggle("is-picked", card.dataset.customerCard === customer);
    });
    document.querySelectorAll("[data-unit-row]").forEach(function (row) {
      row.classList.toggle("is-picked", row.dataset.unitRow === unit);
    });
    document.querySelectorAll("[data-pick-customer]").forEach(function (button) {
      var picked = button.dataset.pickUnit ? button.dataset.pickUnit === unit : button.dataset.pickCustomer === customer;
      button.setAttribute("aria-pressed", picked ? "true" : "false");
    });
    var summary = document.querySelector("[data-picked-summary]");
    if (summary) {
      var card = customer && document.querySelector('[data-customer-card="' + customer + '"] h3');
      summary.textContent = card ? "✔ " + card.firstChild.textContent.trim() : "";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick-customer]");
    if (!button || !form()) {
      return;
    }
    var customerInput = field("customer_id");
    var unitInput = field("unit_id");
    var sameUnit = button.dataset.pickUnit && unitInput.value === button.dataset.pickUnit;
    var sameCustomer = !button.dataset.pickUnit && customerInput.value === button.dataset.pickCustomer;
    if (sameUnit) {
      unitInput.value = ""; // a second press un-picks the unit
    } else if (sameCustomer) {
      customerInput.value = "";
      unitInput.value = "";
      field("contact_id").value = "";
    } else {
      if (customerInput.value !== button.dataset.pickCustomer) {
        unitInput.value = "";
      }
      customerInput.value = button.dataset.pickCustomer;
      field("contact_id").value = button.dataset.contactId || "";
      if (button.dataset.pickUnit) {
        unitInput.value = button.dataset.pickUnit;
      }
      setIfEmpty("reporter_name", button.dataset.contactName);
      setIfEmpty("reporter_phone", button.dataset.contactMobile);
      var newCustomer = document.querySelector("[data-intake-new-customer]");
      if (newCustomer) {
        newCustomer.open = false;
      }
    }
    showPicked();
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.matches && target.matches("[data-no-enter-submit]")) {
      event.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(target, "search");
      }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-intake-kind]")) {
      var box = document.querySelector("[data-consultation-only]");
      if (box) {
        box.hidden = event.target.value !== "consultation";
      }
    }
  });

  // A lookup that finds nobody opens the "new customer" section, with the caller's number as mobile.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "intake-lookup") {
      return;
    }
    showPicked();
    if (event.detail.target.querySelector("[data-intake-nomatch]") && !(field("customer_id") || {}).value) {
      var newCustomer = document.querySelector("[data-intake-new-customer]");
      if (newCustomer) {
        newCustomer.open = true;
      }
    }
  });

  document.addEventListener("DOMContentLoaded", showPicked);
})();
