// Failure statistics: one ECharts bar chart per [data-chart] block, from the page's JSON data block
// (#failure-chart-data, written by json_script). No inline script: the page only loads this file.
(function () {
  "use strict";
  function draw() {
    var block = document.getElementById("failure-chart-data");
    if (!block || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var series = data[element.dataset.chart];
      if (!series || series.values.length === 0) {
        element.classList.add("d-none");
        return;
      }
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: series.labels, axisLabel: { width: 160, overflow: "truncate" } },
        series: [{ type: "bar", barMaxWidth: 28, data: series.values, itemStyle: { color: "#0d6efd" }, label: { show: true, position: "right" } }],
      });
      window.addEventListener("resize", function () {
        chart.resize();
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
