/* core.widgets.SearchPicker: a search box whose options the server sends while the user types.
 * Markup (core/widgets/picker.html): [data-picker][data-options-url] holding the hidden
 * [data-picker-value] input(s) the form sends, the [data-picker-search] box and the
 * [data-picker-options] list. Typing asks options-url?q=… (after a pause), with the values of the
 * form's fields named in data-send; picking an option (click, or arrows then Enter) puts its id in
 * the hidden input and its name in the box, or with data-multiple adds it to the chosen list, each
 * with a remove button. Editing a single picker's box clears its id, so a name typed but not picked
 * is never sent as the old choice, and an empty box sends none. Another record picked empties the
 * pickers that send this one's field (a new customer: the previous one's units go). Enter in the box
 * with the list open takes the only match and never sends the form; Tab away closes the list. */
(function () {
  "use strict";

  var PAUSE_MS = 250;

  function parts(element) {
    var picker = element.closest("[data-picker]");
    if (!picker) return null;
    return {
      picker: picker,
      multiple: picker.hasAttribute("data-multiple"),
      search: picker.querySelector("[data-picker-search]"),
      list: picker.querySelector("[data-picker-options]"),
    };
  }

  function show(p, open) {
    p.list.hidden = !open;
    p.search.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function chosenValues(p) {
    return Array.prototype.map.call(p.picker.querySelectorAll("[data-picker-value]"), function (input) {
      return input.value;
    });
  }

  function chip(p, option) {
    var item = document.createElement("li");
    item.className = "badge text-bg-light border d-inline-flex align-items-center gap-1";
    item.setAttribute("data-picker-chip", "");
    var value = document.createElement("input");
    value.type = "hidden";
    value.name = p.picker.dataset.name;
    value.value = option.dataset.value;
    value.setAttribute("data-picker-value", "");
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-close-sm";
    remove.setAttribute("aria-label", option.dataset.remove || option.dataset.label);
    remove.setAttribute("data-picker-remove", "");
    item.append(value, option.dataset.label, remove);
    return item;
  }

  // Another record chosen (a customer): the records chosen from the previous one (its units) go, since
  // the form would refuse them; the pickers that send this one's field offer the new one's.
  function dropDependents(p) {
    var form = p.picker.closest("form");
    if (!form) return;
    form.querySelectorAll("[data-picker][data-send]").forEach(function (other) {
      if (other.dataset.send.split(" ").indexOf(p.picker.dataset.name) < 0) return;
      other.querySelectorAll("[data-picker-chip]").forEach(function (item) { item.remove(); });
      other.querySelectorAll("[data-picker-value]").forEach(function (input) { input.value = ""; });
    });
  }

  function pick(p, option) {
    if (p.multiple) {
      var chosen = p.picker.querySelector("[data-picker-chosen]");
      if (chosenValues(p).indexOf(option.dataset.value) < 0) chosen.append(chip(p, option));
      p.search.value = "";
    } else {
      var hidden = p.picker.querySelector("[data-picker-value]");
      var before = hidden.value || hidden.dataset.was || "";
      hidden.value = option.dataset.value;
      hidden.dataset.was = option.dataset.value;
      p.search.value = option.dataset.label;
      if (before && before !== option.dataset.value) dropDependents(p);
    }
    show(p, false);
    p.picker.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function ask(p) {
    var text = p.search.value.trim();
    var query = new URLSearchParams({ q: text });
    var form = p.picker.closest("form");
    (p.picker.dataset.send || "").split(" ").forEach(function (name) {
      if (!name || !form) return;
      new FormData(form).getAll(name).forEach(function (value) { if (value) query.append(name, value); });
    });
    fetch(p.picker.dataset.optionsUrl + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.text() : ""; })
      .then(function (html) {
        if (p.search.value.trim() !== text) return; // typed on meanwhile: a later answer comes
        p.list.innerHTML = html;
        if (p.multiple) chosenValues(p).forEach(function (value) {
          var offered = p.list.querySelector('[role=option][data-value="' + CSS.escape(value) + '"]');
          if (offered) offered.remove(); // chosen already: offered once
        });
        show(p, html.trim() !== "");
      });
  }

  document.addEventListener("input", function (event) {
    var p = event.target.matches && event.target.matches("[data-picker-search]") ? parts(event.target) : null;
    if (!p) return;
    if (!p.multiple) {
      var hidden = p.picker.querySelector("[data-picker-value]");
      if (hidden.value) hidden.dataset.was = hidden.value; // to tell a new choice from the same one again
      hidden.value = "";
    }
    window.clearTimeout(p.picker.pickerTimer);
    if (p.search.value.trim() === "") {
      show(p, false);
      return;
    }
    p.picker.pickerTimer = window.setTimeout(function () { ask(p); }, PAUSE_MS);
  });

  // A picker of several records that depends on another field (a customer's units) offers them on entry.
  document.addEventListener("focusin", function (event) {
    var p = event.target.matches && event.target.matches("[data-picker-search]") ? parts(event.target) : null;
    if (p && p.multiple && p.picker.dataset.send && p.search.value.trim() === "") ask(p);
  });

  // Focus leaving the picker (Tab) closes its list, which would cover the next fields.
  document.addEventListener("focusout", function (event) {
    var p = event.target.closest ? parts(event.target) : null;
    if (!p || p.list.hidden) return;
    var next = event.relatedTarget;
    if (next && p.picker.contains(next)) return;
    if (!next) return; // a click on the page: the click handler decides (an option is picked on click)
    show(p, false);
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var option = target.closest && target.closest("[data-picker-options] [role=option]");
    if (option) {
      var p = parts(option);
      pick(p, option);
      p.search.focus();
      return;
    }
    var remove = target.closest && target.closest("[data-picker-remove]");
    if (remove) {
      var q = parts(remove);
      remove.closest("[data-picker-chip]").remove();
      q.search.focus();
      q.picker.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    document.querySelectorAll("[data-picker-options]:not([hidden])").forEach(function (list) {
      if (!list.closest("[data-picker]").contains(target)) show(parts(list), false);
    });
  });

  document.addEventListener("keydown", function (event) {
    var p = event.target.closest ? parts(event.target) : null;
    if (!p || p.list.hidden) return;
    var all = Array.prototype.slice.call(p.list.querySelectorAll("[role=option]"));
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!all.length) return;
      var next = event.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : at - 1;
      (next < 0 ? p.search : all[next]).focus();
    } else if (event.key === "Escape") {
      show(p, false);
      p.search.focus();
    } else if (event.key === "Enter" && at >= 0) {
      event.preventDefault();
      pick(p, all[at]);
      p.search.focus();
    } else if (event.key === "Enter" && event.target === p.search) {
      // In the box with the list open: Enter takes the only match, and never sends the form with the
      // search typed but nothing chosen (the form came back refused, the search lost).
      event.preventDefault();
      if (all.length === 1) pick(p, all[0]);
    }
  });
})();
