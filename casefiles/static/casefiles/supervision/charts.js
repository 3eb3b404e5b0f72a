/* 电子监察's charts (statistics, 办件公示): each element [data-figure] is drawn with Apache ECharts
   (served from our own static files) from the page's JSON (#statistics-charts, written by
   json_script: no inline script, the CSP allows none). The JSON carries the same numbers as the
   table beside each chart. */
(function () {
  "use strict";

  function draw(element, spec) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var horizontal = spec.chart === "bar" && spec.categories.length > 6;
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0, width: 140, overflow: "truncate" } };
    var value = { type: "value", axisLabel: { formatter: spec.percent ? "{value}%" : "{value}" } };
    if (spec.percent) { value.max = 100; }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : (spec.percent ? v + "%" : v); } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: spec.series.map(function (series) {
        return {
          name: series.name, type: spec.chart === "line" ? "line" : "bar", data: series.data,
          stack: spec.stack ? "all" : undefined, emphasis: { focus: "series" }
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var source = document.getElementById("statistics-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(source.textContent);
    specs.forEach(function (spec) {
      var element = document.querySelector(".st-chart[data-figure='" + spec.figure + "']");
      if (element) { draw(element, spec); }
    });
    document.documentElement.setAttribute("data-charts-drawn", String(specs.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
