// Dashboard charts (Apache ECharts, vendored): the trend since 2011, bases opened per year against the
// yearly target, and a map of Guizhou coloured by the chosen rate. Data come from the page (json_script);
// the maps are the project's own GeoJSON files, so nothing is fetched from outside the server.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const labels = data.labels;
  const charts = [];

  function chart(id) {
    const element = document.getElementById(id);
    if (!element) return null;
    const instance = echarts.init(element, null, { renderer: "svg" });
    charts.push(instance);
    return instance;
  }

  const trend = chart("trend-chart");
  if (trend) {
    const series = [];
    for (const [code, values] of Object.entries(data.trend.series)) {
      series.push({ name: labels[code], type: "line", data: values, connectNulls: false, showSymbol: false });
    }
    for (const [code, values] of Object.entries(data.trend.goals)) {
      series.push({
        name: labels[code] + " · " + data.target_word,
        type: "line", data: values, showSymbol: false, lineStyle: { type: "dashed", width: 1 },
      });
    }
    trend.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.trend.dates },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: series,
    });
  }

  const bases = chart("bases-chart");
  if (bases) {
    const series = Object.entries(data.bases.opened).map(([code, values]) => ({
      name: labels[code], type: "bar", data: values,
      markLine: data.bases.target[code] == null ? undefined : {
        symbol: "none", data: [{ yAxis: data.bases.target[code], name: labels[code] }], label: { formatter: "{c}" },
      },
    }));
    bases.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.bases.years },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
  }

  const map = chart("map-chart");
  if (map && data.map.level) {
    const indicator = document.getElementById("map-indicator");
    const levelChoice = document.getElementById("map-level");
    const loaded = {};

    function draw() {
      const level = levelChoice ? levelChoice.value : data.map.level;
      const code = indicator.value;
      const show = (geojson) => {
        echarts.registerMap("guizhou-" + level, geojson);
        const values = Object.entries(data.map.data)
          .filter(([, entry]) => entry.level === level)
          .map(([region, entry]) => ({ name: region, value: entry[code], label: entry.name }));
        const names = Object.fromEntries(values.map((v) => [v.name, v.label]));
        map.setOption({
          tooltip: {
            trigger: "item",
            formatter: (p) => (names[p.name] || p.name) + ": " + (p.value == null || isNaN(p.value) ? "—" : p.value + "%"),
          },
          visualMap: { min: 0, max: 100, calculable: true, inRange: { color: ["#b2182b", "#f7f7b0", "#1a9850"] }, text: ["100%", "0%"] },
          series: [{
            type: "map", map: "guizhou-" + level, nameProperty: "code", data: values, roam: true,
            label: { show: false }, emphasis: { label: { show: true, formatter: (p) => names[p.name] || "" } },
          }],
        }, true);
      };
      if (loaded[level]) return show(loaded[level]);
      fetch(data.map.urls[level]).then((r) => r.json()).then((geojson) => {
        // A prefecture's dashboard shows its own counties only.
        const prefix = data.region;
        geojson.features = geojson.features.filter((f) => f.properties.code.startsWith(prefix));
        loaded[level] = geojson;
        show(geojson);
      });
    }
    indicator.addEventListener("change", draw);
    if (levelChoice) levelChoice.addEventListener("change", draw);
    map.on("click", (p) => { if (p.name) window.location.search = "?region=" + p.name; });
    draw();
  }

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
