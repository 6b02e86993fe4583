// "Use my location": offered only where the browser can tell its position. It sends the
// coordinates in a POST (never in a URL) and the server keeps nothing.
(function () {
  "use strict";
  var form = document.getElementById("use-location");
  if (!form || !("geolocation" in navigator)) { return; }
  var status = document.getElementById("locate-status");
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    if (form.dataset.ready === "yes") { return; }
    event.preventDefault();
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude;
      form.elements.lon.value = position.coords.longitude;
      form.elements.accuracy.value = position.coords.accuracy;
      form.dataset.ready = "yes";
      form.submit();
    }, function () {
      status.textContent = "We couldn't get your location. Please type your address above.";
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
}());
