/* Grading quality: Spearman and mean absolute error per round (vendored Chart.js, no CDN). */
(function () {
  "use strict";
  var el = document.getElementById("data-rounds");
  var canvas = document.getElementById("chart-rounds");
  if (!el || !canvas || typeof Chart === "undefined") return;
  var d = JSON.parse(el.textContent);
  var chart = new Chart(canvas, {
    type: "bar",
    data: { labels: d.labels, datasets: [
      { label: "Spearman (0-1)", data: d.spearman, backgroundColor: "#1565c0", yAxisID: "rho" },
      { label: "Mean absolute error (points)", data: d.mae, backgroundColor: "#ef6c00", yAxisID: "mae" }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
      scales: { rho: { position: "left", min: 0, max: 1, title: { display: true, text: "Spearman" } },
                mae: { position: "right", min: 0, suggestedMax: 30, grid: { drawOnChartArea: false },
                       title: { display: true, text: "Mean absolute error" } } } }
  });
  canvas.dataset.drawn = chart ? "true" : "false";
})();
