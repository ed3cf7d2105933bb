// The risk trajectory chart on a young person's page: each screening's tier
// (0 no risk identified to 3 high) by date. The same points are in the table
// beside it (#risk-trajectory-table), which is what screen readers use.
(function () {
  "use strict";
  var canvas = document.getElementById("risk-trajectory-chart");
  var source = document.getElementById("risk-trajectory-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var tiers = data.tiers;
  var points = data.points;
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: points.map(function (point) { return point.date; }),
      datasets: [{
        label: "Risk tier",
        data: points.map(function (point) { return point.level; }),
        borderColor: "#1d70b8",
        backgroundColor: "#1d70b8",
        pointRadius: 5,
        pointHoverRadius: 7,
        tension: 0
      }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: function (context) { return points[context.dataIndex].tier; }
          }
        }
      },
      scales: {
        x: { title: { display: true, text: "Date of screening" } },
        y: {
          min: 0,
          max: 3,
          ticks: { stepSize: 1, callback: function (value) { return tiers[value]; } },
          title: { display: true, text: "Risk tier" }
        }
      }
    }
  });
})();
