/* The interview list's score trend: a line with points, dated x axis and 0-100 y axis (vendored Chart.js). */
(function () {
  "use strict";
  var source = document.getElementById("data-trend");
  var canvas = document.getElementById("chart-trend");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var points = JSON.parse(source.textContent);
  var chart = new Chart(canvas, {
    type: "line",
    data: {
      labels: points.map(function (p) { return p.date; }),
      datasets: [{
        label: "Score", data: points.map(function (p) { return p.score; }),
        borderColor: "#1565c0", backgroundColor: "#1565c0", pointRadius: 4, pointHoverRadius: 6, tension: 0
      }]
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: function (items) { var p = points[items[0].dataIndex]; return p.date + " · " + p.round; } } }
      },
      scales: {
        x: { title: { display: true, text: "Interview finished" }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { min: 0, max: 100, title: { display: true, text: "Score (0-100)" }, ticks: { stepSize: 25 } }
      }
    }
  });
  canvas.dataset.drawn = chart ? "true" : "false";
})();
