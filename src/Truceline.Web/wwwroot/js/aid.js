// Trucks entered per day against the plan's target. The tables above hold the same figures without JavaScript.
(function () {
    var canvas = document.getElementById('aid-chart');
    var data = document.getElementById('aid-chart-data');
    if (!canvas || !data || typeof Chart === 'undefined') { return; }
    var d = JSON.parse(data.textContent);
    var datasets = [{ label: canvas.getAttribute('aria-label'), data: d.trucks, backgroundColor: '#3b6ea5' }];
    if (d.target !== null) {
        datasets.push({ type: 'line', label: 'target', data: d.labels.map(function () { return d.target; }), borderColor: '#b03a2e', pointRadius: 0, borderDash: [6, 4] });
    }
    new Chart(canvas, { type: 'bar', data: { labels: d.labels, datasets: datasets }, options: { animation: false, scales: { y: { beginAtZero: true } } } });
})();
