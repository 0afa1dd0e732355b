// The statistics page's charts (web/templates/statistics.html), drawn with the vendored ECharts from the numbers
// the server put in #chart-data; every label there is already Chinese. The tables beside them carry the same numbers.
(function () {
  "use strict";

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element || !window.echarts) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    element.setAttribute("data-drawn", "true");
  }

  function bars(categories, series, stacked) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 56, bottom: 48 },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", barMaxWidth: 48, stack: stacked ? "all" : undefined, data: s.data };
      })
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("chart-data");
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    draw("chart-states", bars(data.states.counties, data.states.series, true));
    draw("chart-quota", bars(data.quota.counties, [
      { name: "已用", data: data.quota.used },
      { name: "剩余", data: data.quota.left }
    ], true));
    draw("chart-titles", bars(data.titles.years, data.titles.series, false));
  });
}());
