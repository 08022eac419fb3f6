// Draws each metric's time series where JavaScript runs; the table beside it carries the same figures without it.
(function () {
    if (typeof Chart === "undefined") return;
    const colours = { verified: "#2e7d32", unverified: "#9e9e9e", disputed: "#c62828" };
    document.querySelectorAll("canvas.metric-chart").forEach(function (canvas) {
        const data = JSON.parse(canvas.dataset.chart);
        const datasets = [{
            label: data.label,
            data: data.points.map(p => ({ x: p.x, y: p.y })),
            pointBackgroundColor: data.points.map(p => colours[p.v] || "#555"),
            pointRadius: 4,
            borderColor: "#1565c0",
            tension: 0,
        }];
        if (data.target !== null && data.points.length > 0) {
            datasets.push({
                label: "target",
                data: [{ x: data.points[0].x, y: data.target }, { x: data.points[data.points.length - 1].x, y: data.target }],
                borderDash: [6, 4],
                borderColor: "#ef6c00",
                pointRadius: 0,
            });
        }
        canvas.removeAttribute("aria-hidden");
        new Chart(canvas, {
            type: "line",
            data: { labels: data.points.map(p => p.x), datasets: datasets },
            options: { animation: false, parsing: { xAxisKey: "x", yAxisKey: "y" }, scales: { x: { type: "category" } }, plugins: { legend: { display: true } } },
        });
    });
})();
