/* Cohort dashboard: activity, interviews and readiness per role for the chosen period (vendored Chart.js). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(canvasId, config) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    var chart = new Chart(canvas, config);
    canvas.dataset.drawn = chart ? "true" : "false";
  }
  var series = data("data-series");
  if (series && series.labels.length) {
    draw("chart-active", {
      type: "bar",
      data: { labels: series.labels, datasets: [
        { label: "Active learners", data: series.active, backgroundColor: "#1565c0" }] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Learners" } } } }
    });
    draw("chart-interviews", {
      data: { labels: series.labels, datasets: [
        { type: "bar", label: "Interviews", data: series.interviews, backgroundColor: "#90caf9", yAxisID: "n" },
        { type: "line", label: "Average score", data: series.mean_score, borderColor: "#ef6c00", backgroundColor: "#ef6c00",
          spanGaps: true, pointRadius: 3, yAxisID: "score" }] },
      options: { scales: {
        n: { position: "left", beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Interviews" } },
        score: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "Average score" } } } }
    });
  }
  var readiness = data("data-readiness");
  if (readiness && readiness.labels.length) {
    var colours = ["#c62828", "#ef6c00", "#f9a825", "#7cb342", "#2e7d32"];
    draw("chart-readiness", {
      type: "bar",
      data: { labels: readiness.labels, datasets: readiness.bands.map(function (band, i) {
        return { label: "Readiness " + band, data: readiness.counts[i], backgroundColor: colours[i % colours.length] };
      }) },
      options: { indexAxis: "y", scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Learners" } },
        y: { stacked: true, ticks: { autoSkip: false } } } }
    });
  }
})();
