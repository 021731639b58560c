/* Draws the dashboard charts from the JSON embedded in the page (vendored Chart.js, no CDN).
   On a phone the long skill names wrap onto lines and dates read "Nov 7", so no label is cut off. */
(function () {
  "use strict";
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function narrow(canvas) { return canvas.parentElement.clientWidth < 576; }

  /* "Prompt injection and LLM security" -> ["Prompt injection", "and LLM security"] (lines of at most `width`). */
  function wrap(text, width) {
    var lines = [], line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) lines.push(line);
    return lines.length > 1 ? lines : lines[0] || "";
  }
  function shortDate(iso, withYear) {
    var date = new Date(iso + "T00:00:00");
    if (isNaN(date)) return iso;
    var options = withYear ? { day: "numeric", month: "short", year: "numeric" } : { day: "numeric", month: "short" };
    return date.toLocaleDateString("en", options);
  }
  /* An x axis of ISO dates: short labels, never rotated, skipped when they would overlap. */
  function dateAxis() {
    return { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12,
      callback: function (value) { return shortDate(this.getLabelForValue(value)); } } };
  }
  function dateTooltip(prefix) {
    return { callbacks: { title: function (items) { return items.length ? prefix + shortDate(items[0].label, true) : ""; } } };
  }
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
    var canvas = document.getElementById("chart-skills");
    var small = canvas && narrow(canvas), width = small ? 16 : 30;
    /* Room for every (wrapped) name: a phone gets taller bars rather than overlapping labels. */
    if (canvas) canvas.parentElement.style.height = Math.max(288, skills.length * (small ? 46 : 30) + 70) + "px";
    draw("chart-skills", { type: "bar", data: { labels: skills.map(function (s) { return wrap(s.skill, width); }),
      datasets: [{ label: "Required", data: skills.map(function (s) { return s.required; }), backgroundColor: "#90caf9" },
                 { label: "You", data: skills.map(function (s) { return s.level; }), backgroundColor: "#1565c0" }] },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 100 }, y: { ticks: { autoSkip: false } } },
        plugins: { tooltip: { callbacks: { title: function (items) {
          return items.length ? skills[items[0].dataIndex].skill : ""; } } } } } });
  }
  var history = data("data-history");
  if (history && history.length) {
    draw("chart-history", { type: "line", data: { labels: history.map(function (h) { return h.date; }),
      datasets: [{ label: "Readiness", data: history.map(function (h) { return h.readiness; }), borderColor: "#2e7d32", spanGaps: true },
                 { label: "Interview average", data: history.map(function (h) { return h.interview; }), borderColor: "#ef6c00", spanGaps: true }] },
      options: { scales: { x: dateAxis(), y: { min: 0, max: 100 } }, plugins: { tooltip: dateTooltip("") } } });
  }
  var hours = data("data-hours");
  if (hours) {
    draw("chart-hours", { type: "bar", data: { labels: hours.map(function (w) { return w.week; }),
      datasets: [{ label: "Studied", data: hours.map(function (w) { return w.hours; }), backgroundColor: "#1565c0" },
                 { label: "Plan", type: "line", data: hours.map(function (w) { return w.plan; }), borderColor: "#c62828" }] },
      options: { scales: { x: dateAxis() }, plugins: { tooltip: dateTooltip("Week of ") } } });
  }
})();
