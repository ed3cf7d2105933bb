// The missing team's report charts: episodes and young people by month, and
// interviews offered in time by the month they were due. The numbers come
// from the page (#missing-report-data, written by json_script) and are the
// same as in the table under each chart, which is what screen readers use.
(function () {
  "use strict";
  var source = document.getElementById("missing-report-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // GOV.UK Frontend's palette: blue, light blue, orange, red, black.
  var colours = { blue: "#1d70b8", lightBlue: "#5694ca", orange: "#f47738", red: "#d4351c", black: "#0b0c0c" };
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom" } }
  };

  var monthly = document.getElementById("missing-monthly-chart");
  if (monthly && data.monthly) {
    new window.Chart(monthly, {
      type: "bar",
      data: {
        labels: data.monthly.labels,
        datasets: [
          { type: "bar", label: "Missing episodes", data: data.monthly.missing, backgroundColor: colours.blue, stack: "episodes" },
          { type: "bar", label: "Absent episodes", data: data.monthly.absent, backgroundColor: colours.lightBlue, stack: "episodes" },
          {
            type: "line",
            label: "Young people",
            data: data.monthly.young_people,
            // A stack of its own: the line is not added on top of the bars.
            stack: "young_people",
            borderColor: colours.black,
            backgroundColor: colours.black,
            pointRadius: 3,
            tension: 0
          }
        ]
      },
      options: Object.assign({}, common, {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Number" } }
        }
      })
    });
  }

  var timeliness = document.getElementById("missing-timeliness-chart");
  if (timeliness && data.timeliness) {
    var hours = data.timeliness.hours;
    new window.Chart(timeliness, {
      type: "bar",
      data: {
        labels: data.timeliness.labels,
        datasets: [
          { label: "Offered within " + hours + " hours", data: data.timeliness.in_time, backgroundColor: colours.blue },
          { label: "Offered late", data: data.timeliness.late, backgroundColor: colours.orange },
          { label: "Not offered", data: data.timeliness.not_offered, backgroundColor: colours.red }
        ]
      },
      options: Object.assign({}, common, {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Interviews due" } }
        }
      })
    });
  }
})();
