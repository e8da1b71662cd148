/* Live total while choosing projects: an enhancement only. Without it the review step
   shows the total, and the server refuses a choice over budget. No data leaves the page. */
(function () {
  "use strict";
  var counter = document.getElementById("budget-counter");
  if (!counter) { return; }
  var form = counter.closest("form");
  var budget = Number(counter.getAttribute("data-budget"));
  var template = counter.getAttribute("data-template");
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function update() {
    var total = 0;
    form.querySelectorAll("input[name=project]:checked").forEach(function (box) {
      total += Number(box.getAttribute("data-cost")) || 0;
    });
    counter.textContent = template.replace("{total}", format.format(total))
      .replace("{budget}", format.format(budget));
    counter.classList.toggle("over-budget", total > budget);
  }
  form.addEventListener("change", update);
  counter.hidden = false;
  update();
}());
