/* The phone menu: the "Menu" button opens and closes the main navigation (below 1024 px, see app.css).
   Without JavaScript the button stays hidden and the links wrap instead. */
(function () {
  "use strict";
  var button = document.querySelector(".site-nav .nav-toggle");
  if (!button) return;
  function setOpen(open) { button.setAttribute("aria-expanded", open ? "true" : "false"); }
  button.hidden = false;
  button.addEventListener("click", function () { setOpen(button.getAttribute("aria-expanded") !== "true"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
