// Relapse outcomes charts (Apache ECharts, vendored): Kaplan–Meier step curves with their 95% bands. The points
// come from the page (json_script), already stopped where fewer than 10 persons remain at risk.
(function () {
  "use strict";
  const source = document.getElementById("outcomes-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  function draw(id, groups) {
    const element = document.getElementById(id);
    if (!element || groups.length === 0) {
      if (element) element.hidden = true;
      return;
    }
    const instance = echarts.init(element, null, { renderer: "svg" });
    charts.push(instance);
    const series = [];
    groups.forEach(function (group, index) {
      const stack = "band" + index;
      // The band: the lower bound (invisible) with the width of the band stacked on it.
      series.push({ type: "line", step: "end", stack: stack, symbol: "none", lineStyle: { opacity: 0 },
        data: group.points.map((p) => [p.month, p.lower]), tooltip: { show: false }, silent: true });
      series.push({ type: "line", step: "end", stack: stack, symbol: "none", lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.15 }, data: group.points.map((p) => [p.month, +(p.upper - p.lower).toFixed(4)]),
        tooltip: { show: false }, silent: true });
      series.push({ name: group.name, type: "line", step: "end", symbol: "none",
        data: group.points.map((p) => [p.month, p.survival]) });
    });
    instance.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : (100 * v).toFixed(1) + "%") },
      legend: { top: 0, data: groups.map((g) => g.name) },
      grid: { left: 48, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "value", min: 0, max: 36, interval: 6, name: "月", nameLocation: "end" },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => Math.round(100 * v) + "%" } },
      series: series,
    });
  }

  draw("chart-overall", data.charts.overall);
  draw("chart-placement", data.charts.placement);
  draw("chart-training", data.charts.training);
  draw("chart-cohort", data.charts.cohort);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
