// "Near me": asks the browser for the position and puts it in the search form.
// The position stays in the browser until the person presses "Show the services";
// the portal never stores it. Without JavaScript the neighbourhood list does the job.
(function () {
  "use strict";
  var select = document.getElementById("id_near");
  if (!select || !navigator.geolocation) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = select.getAttribute("data-near-me-label") || "📍";
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      var value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
      var option = document.createElement("option");
      option.value = value;
      option.textContent = select.getAttribute("data-my-position-label") || value;
      option.selected = true;
      select.appendChild(option);
    });
  });
  select.parentNode.appendChild(button);
})();
