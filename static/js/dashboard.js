/* Draws the dashboard charts from the JSON embedded in the page (vendored Chart.js, no CDN). */
(function () {
  "use strict";
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    var chart = new Chart(canvas, config);
    canvas.dataset.drawn = chart ? "true" : "false";
  }
  var score = data("data-score");
  if (score !== null) {
    draw("chart-gauge", { type: "doughnut", data: { labels: ["Ready", "To go"],
      datasets: [{ data: [score, 100 - score], backgroundColor: ["#2e7d32", "#e0e0e0"], borderWidth: 0 }] },
      options: { rotation: -90, circumference: 180, cutout: "70%", plugins: { legend: { display: false }, tooltip: { enabled: false } } } });
  }
  var skills = data("data-skills");
  if (skills) {
    draw("chart-skills", { type: "bar", data: { labels: skills.map(function (s) { return s.skill; }),
      datasets: [{ label: "Required", data: skills.map(function (s) { return s.required; }), backgroundColor: "#90caf9" },
                 { label: "You", data: skills.map(function (s) { return s.level; }), backgroundColor: "#1565c0" }] },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } } } });
  }
  var history = data("data-history");
  if (history && history.length) {
    draw("chart-history", { type: "line", data: { labels: history.map(function (h) { return h.date; }),
      datasets: [{ label: "Readiness", data: history.map(function (h) { return h.readiness; }), borderColor: "#2e7d32", spanGaps: true },
                 { label: "Interview average", data: history.map(function (h) { return h.interview; }), borderColor: "#ef6c00", spanGaps: true }] },
      options: { scales: { y: { min: 0, max: 100 } } } });
  }
  var hours = data("data-hours");
  if (hours) {
    draw("chart-hours", { type: "bar", data: { labels: hours.map(function (w) { return w.week; }),
      datasets: [{ label: "Studied", data: hours.map(function (w) { return w.hours; }), backgroundColor: "#1565c0" },
                 { label: "Plan", type: "line", data: hours.map(function (w) { return w.plan; }), borderColor: "#c62828" }] } });
  }
})();
