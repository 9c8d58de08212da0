/* The customer's signature, drawn with a finger (signature_pad, vendored).
 *   canvas[data-signature-pad]      the pad; its size comes from CSS, its pixels follow devicePixelRatio.
 *   [data-signature-clear]          wipes it.
 *   input[data-signature-value]     on submit receives canvas.toDataURL("image/png"), or "" when empty;
 *                                   a value the server sent back (a refused submit) is drawn again. */
(function () {
  "use strict";

  function setup(canvas) {
    var form = canvas.closest("form");
    var input = form.querySelector("[data-signature-value]");
    var state = form.querySelector("[data-signature-state]");
    var pad = new window.SignaturePad(canvas, { backgroundColor: "rgb(255, 255, 255)", penColor: "rgb(20, 20, 60)" });

    function showState() {
      if (state) {
        state.textContent = pad.isEmpty() ? canvas.dataset.emptyText || "" : canvas.dataset.signedText || "";
      }
    }

    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear(); // paints the white background on the resized canvas
      if (strokes.length) {
        pad.fromData(strokes);
      }
    }

    resize();
    if (input.value && input.value.indexOf("data:image/png;base64,") === 0) {
      pad.fromDataURL(input.value, { ratio: 1, width: canvas.offsetWidth, height: canvas.offsetHeight });
    }
    window.addEventListener("resize", resize);
    pad.addEventListener("endStroke", showState);
    showState();

    form.querySelector("[data-signature-clear]").addEventListener("click", function () {
      pad.clear();
      input.value = "";
      showState();
    });

    form.addEventListener("submit", function () {
      input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    });
  }

  function init() {
    if (!window.SignaturePad) {
      return;
    }
    document.querySelectorAll("canvas[data-signature-pad]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
