// Family, day sheet and try-it pages: a print button, and focus on the outcome of an agenda click.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var outcome = document.getElementById("agenda-outcome") || document.getElementById("try-reply");
  if (outcome) { outcome.focus(); }
})();
