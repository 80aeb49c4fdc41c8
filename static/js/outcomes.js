// Relapse outcomes charts (Apache ECharts, vendored): Kaplan–Meier step curves with their 95% bands. The points
// come from the page (json_script), already stopped where fewer than 10 persons remain at risk.
(function () {
  "use strict";
  const source = document.getElementById("outcomes-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  const months = Array.from({ length: 37 }, (_, month) => month);

  // One value per month (null where the curve has stopped), on a category axis so that the band stacks.
  function byMonth(points, value) {
    const at = new Map(points.map((p) => [p.month, value(p)]));
    return months.map((month) => (at.has(month) ? at.get(month) : null));
  }

  function draw(id, groups, bands) {
    const element = document.getElementById(id);
    if (!element || groups.length === 0) {
      if (element) element.hidden = true;
      return;
    }
    const instance = echarts.init(element, null, { renderer: "svg" });
    charts.push(instance);
    const palette = ["#e6a23c", "#2e8b57", "#4169e1", "#c0392b", "#8e44ad", "#16a085", "#7f8c8d"];
    const series = [];
    groups.forEach(function (group, index) {
      const color = palette[index % palette.length];
      if (bands) {
        // The 95% band: the lower bound (invisible) with the band's width stacked on it and filled.
        const quiet = { type: "line", step: "end", stack: "band" + index, symbol: "none", silent: true,
          lineStyle: { opacity: 0 }, tooltip: { show: false } };
        series.push(Object.assign({ data: byMonth(group.points, (p) => p.lower) }, quiet));
        series.push(Object.assign({ data: byMonth(group.points, (p) => +(p.upper - p.lower).toFixed(4)),
          areaStyle: { color: color, opacity: 0.18 } }, quiet));
      }
      series.push({ name: group.name, type: "line", step: "end", symbol: "none", color: color,
        lineStyle: { width: 2 }, data: byMonth(group.points, (p) => p.survival) });
    });
    instance.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : (100 * v).toFixed(1) + "%") },
      legend: { top: 0, data: groups.map((g) => g.name) },
      grid: { left: 48, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: months, boundaryGap: false, name: "月",
        axisLabel: { interval: 5 } },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => Math.round(100 * v) + "%" } },
      series: series,
    });
  }

  draw("chart-overall", data.charts.overall, true);
  draw("chart-placement", data.charts.placement, true);
  draw("chart-training", data.charts.training, true);
  draw("chart-cohort", data.charts.cohort, false);  // many cohorts: their bands would hide each other
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
