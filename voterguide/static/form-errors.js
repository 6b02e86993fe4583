// Announce a form's error to screen readers: a live region inserted after the page loads,
// then filled, is read out; an alert that is already on the page at load often is not.
// The field itself is focused by its autofocus attribute, and works without this script.
(function () {
  "use strict";
  var message = document.querySelector("[data-announce]");
  if (!message) { return; }
  var region = document.createElement("div");
  region.setAttribute("role", "alert");
  region.className = "visually-hidden";
  region.id = "error-announcement";
  document.body.appendChild(region);
  window.setTimeout(function () { region.textContent = message.textContent; }, 150);
}());
