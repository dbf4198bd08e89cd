/* The road request form (roads.request_views.request_new): "Use my position" fills the latitude and longitude
   boxes with the phone's position, only when the person presses it (the browser then asks for permission). The
   button stays hidden without this script or without geolocation; the boxes can always be filled by hand, and the
   server checks the position either way. */
"use strict";

(function () {
  var tool = document.getElementById("position-tool");
  var button = document.getElementById("use-position");
  var status = document.getElementById("position-status");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!tool || !button || !status || !latitude || !longitude || !("geolocation" in navigator)) {
    return;
  }
  tool.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = tool.dataset.waiting;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(5);
        longitude.value = position.coords.longitude.toFixed(5);
        status.textContent = tool.dataset.done;
        button.disabled = false;
      },
      function () {
        status.textContent = tool.dataset.failed;
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 }
    );
  });
})();
