/* The import screen (/import/): upload progress for the htmx form, the width of a background job's
 * progress bar, and a stale preview cleared when another file is chosen. Labels come from data-*
 * attributes so they are translated in the template. */
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

  /* The job fragment is swapped in afresh every second: set the width before it is painted, without
   * Bootstrap's transition (which would grow the bar from zero on every swap). */
  function sizeBars(root) {
    var bars = (root && root.querySelectorAll ? root : document).querySelectorAll(".import-job-progress[data-percent]");
    if (root && root.matches && root.matches(".import-job-progress[data-percent]")) {
      bars = [root];
    }
    Array.prototype.forEach.call(bars, function (progress) {
      var bar = progress.querySelector(".progress-bar");
      if (bar) {
        bar.style.transition = "none";
        bar.style.width = Math.max(0, Math.min(100, Number(progress.dataset.percent) || 0)) + "%";
      }
    });
  }

  document.addEventListener("htmx:load", function (event) {
    sizeBars(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    sizeBars(document);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!box() || !event.target.closest || !event.target.closest("#import-form") || event.target.closest(".import-job")) {
      return; // not the form's upload (the job's polling has its own display)
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
      if (result && !result.querySelector(".import-job[data-mode='import']")) {
        // A running import goes on with the old file; its result stays until it is shown.
        result.replaceChildren();
      }
    }
  });
})();
