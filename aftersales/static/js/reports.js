// The report dashboards' charts (ECharts, served by the app): each chart reads its data from the JSON
// block named by its data-chart attribute; a click on a bar or point opens the records behind it.
(function () {
  "use strict";

  // The SLA states keep the colours of the order list's badges (green, amber, red).
  const COLOURS = { on_track: "#198754", at_risk: "#ffc107", overdue: "#dc3545", missed: "#dc3545", late: "#fd7e14", on_time: "#198754" };

  // The value axis and the tooltip carry the figure's unit (per cent, hours, yuan): a bare "80" on the
  // axis of a rate chart reads as a count. Units other than these are counts and stay bare.
  const AXIS_LABELS = { "%": "{value} %", h: "{value} h", money: "¥{value}" };

  function withUnit(value, unit) {
    if (value === null || value === undefined) return "—";
    if (unit === "%") return `${Number(value).toFixed(1)} %`;
    if (unit === "h") return `${Number(value).toFixed(1)} h`;
    if (unit === "money") return `¥${Number(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    return String(value);
  }

  function option(data) {
    const stacked = data.type === "stacked";
    const units = new Set(data.series.map((s) => s.unit));
    const unit = units.size === 1 ? [...units][0] : "";
    const kind = data.type === "line" ? "line" : "bar";
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: unit === "money" ? 72 : 48, right: 16, top: 32, bottom: 48 },
      xAxis: { type: "category", data: data.categories, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", axisLabel: AXIS_LABELS[unit] ? { formatter: AXIS_LABELS[unit] } : {} },
      series: data.series.map((s) => ({
        name: s.name,
        type: kind,
        stack: stacked ? "total" : undefined,
        data: s.data,
        connectNulls: true,
        emphasis: { focus: "series" },
        tooltip: { valueFormatter: (value) => withUnit(value, s.unit) },
        itemStyle: COLOURS[s.key] ? { color: COLOURS[s.key] } : undefined,
        lineStyle: COLOURS[s.key] ? { color: COLOURS[s.key] } : undefined,
      })),
    };
  }

  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(data));
    chart.on("click", (params) => {
      const series = data.series[params.seriesIndex];
      const link = series && series.links[params.dataIndex];
      if (link) window.location.assign(link);
    });
    element.dataset.rendered = "1";
    window.addEventListener("resize", () => chart.resize());
    window.addEventListener("beforeprint", () => chart.resize());
  }

  // data-print on a button: the browser's print dialog (the periodic report's A4 page).
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });

  function start() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
