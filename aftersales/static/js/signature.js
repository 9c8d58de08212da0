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

    // A signature drawn back from a refused submit is pixels, not strokes (pad.toData() does not hold it):
    // kept here as an image with the size it is drawn at, and drawn again on every resize. Found by a
    // probe, 2026-12-06: turning the phone sideways and back wiped it while the page still said "Signed".
    var picture = null;

    function keepPicture() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      picture = { url: pad.toDataURL("image/png"), width: canvas.width / ratio, height: canvas.height / ratio };
    }

    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear(); // paints the white background on the resized canvas
      if (picture) {
        // From the kept image, not from the canvas: a second resize may come before the image is drawn.
        pad.fromDataURL(picture.url, { width: picture.width, height: picture.height });
      } else if (strokes.length) {
        pad.fromData(strokes);
      }
      showState();
    }

    resize();
    if (input.value && input.value.indexOf("data:image/png;base64,") === 0) {
      picture = { url: input.value, width: canvas.offsetWidth, height: canvas.offsetHeight };
      pad.fromDataURL(picture.url, { width: picture.width, height: picture.height });
    }
    window.addEventListener("resize", resize);
    pad.addEventListener("endStroke", function () {
      if (picture) {
        keepPicture(); // strokes added to the picture become part of it
      }
      showState();
    });
    showState();

    form.querySelector("[data-signature-clear]").addEventListener("click", function () {
      pad.clear();
      picture = null;
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
