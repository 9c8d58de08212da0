/* The import screen (/import/): upload progress for the htmx form, and a stale preview cleared when
 * another file is chosen. Labels come from data-* attributes so they are translated in the template. */
(function () {
  "use strict";

  function box() {
    return document.getElementById("import-progress");
  }

  function setLabel(text) {
    var label = box() && box().querySelector(".import-progress-label");
    if (label) {
      label.textContent = text;
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!box() || !event.target.closest || !event.target.closest("#import-form")) {
      return;
    }
    box().querySelector("progress").value = 0;
    setLabel(box().dataset.uploading);
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var detail = event.detail;
    if (!box() || !detail || !detail.lengthComputable || !detail.total) {
      return;
    }
    var percent = Math.round((detail.loaded / detail.total) * 100);
    box().querySelector("progress").value = percent;
    if (percent >= 100) {
      box().querySelector("progress").removeAttribute("value"); // indeterminate while rows are checked
      setLabel(box().dataset.processing);
    } else {
      setLabel(box().dataset.uploading + " " + percent + "%");
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.form && field.form.id === "import-form") {
      var result = document.getElementById("import-result");
      if (result) {
        result.replaceChildren();
      }
    }
  });
})();
