// The exchange page: draw the rate history (Chart.js from the npm registry, loaded before).
(function () {
  function drawHistory() {
    const canvas = document.getElementById("rate-history-chart");
    const source = document.getElementById("rate-history-data");
    if (!canvas || !source || typeof Chart === "undefined") return;
    const history = JSON.parse(source.textContent);
    const previous = Chart.getChart(canvas);
    if (previous) previous.destroy();
    new Chart(canvas, {
      type: "line",
      data: {
        labels: history.labels,
        datasets: [{
          label: `${history.currency} per 1 ${history.base}`,
          // Rates arrive as exact decimal strings; the chart only needs them approximately.
          data: history.rates.map(Number),
          borderColor: "#0d6efd",
          backgroundColor: "rgba(13, 110, 253, 0.08)",
          fill: true,
          tension: 0.2,
          pointRadius: history.labels.length > 60 ? 0 : 2,
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: false } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawHistory);
  } else {
    drawHistory();
  }
  document.addEventListener("htmx:afterSettle", drawHistory);

  // While "Update now" runs in the background, look again every few seconds for its result.
  if (document.querySelector("[data-update-running]")) {
    window.setTimeout(() => window.location.reload(), 4000);
  }
})();
