// The humanitarian access map: governorates shaded by kg delivered per person in need, crossings sized by trucks entered.
// No background tiles: nothing is fetched from third parties. The tables on the page hold the same figures without JavaScript.
(function () {
    var el = document.getElementById('aid-map');
    var source = document.getElementById('aid-map-data');
    if (!el || !source || typeof L === 'undefined') { return; }
    var d = JSON.parse(source.textContent);
    var map = L.map(el, { attributionControl: true, zoomSnap: 0.25, minZoom: 8, maxZoom: 16 });
    var values = Object.keys(d.governorates).map(function (k) { return d.governorates[k].kgPerPersonInNeed; })
        .filter(function (v) { return v !== null; });
    var max = values.length ? Math.max.apply(null, values) : 0;
    var shades = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
    function shade(v) {
        if (v === null || v === undefined || max === 0) { return '#f0f0f0'; }
        return shades[Math.min(shades.length - 1, Math.floor((v / max) * shades.length))];
    }
    function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;'); }
    var label = el.dataset;
    var layer = L.geoJSON(d.zones, {
        filter: function (f) { return f.properties.kind === 'governorate' || f.properties.kind === 'crossing'; },
        style: function (f) {
            var g = d.governorates[f.properties.code];
            return { color: '#546e7a', weight: 1, fillOpacity: 0.7, fillColor: shade(g ? g.kgPerPersonInNeed : null) };
        },
        pointToLayer: function (f, latlng) {
            var c = d.crossings[f.properties.code];
            var trucks = c ? c.trucks : 0;
            return L.circleMarker(latlng, { radius: 4 + Math.sqrt(trucks) / 2, color: '#b03a2e', weight: 2, fillOpacity: 0.6 });
        },
        onEachFeature: function (f, l) {
            var p = f.properties;
            if (p.kind === 'crossing') {
                var c = d.crossings[p.code] || { trucks: 0, tonnes: 0 };
                l.bindPopup('<strong>' + esc(p.name) + '</strong><br>' + c.trucks.toLocaleString() + ' ' + esc(label.trucks) +
                    '<br><a href="/aid/daily?stage=offloaded&crossing=' + encodeURIComponent(p.code) + '&' + d.range + '">' + esc(label.records) + '</a>');
            } else {
                var g = d.governorates[p.code];
                var v = g && g.kgPerPersonInNeed !== null ? g.kgPerPersonInNeed.toFixed(2) + ' ' + label.perNeed : '–';
                l.bindTooltip(esc(p.name) + ': ' + esc(v));
            }
        },
    }).addTo(map);
    var legend = L.control({ position: 'bottomright' });
    legend.onAdd = function () {
        var div = L.DomUtil.create('div', 'map-legend');
        div.innerHTML = esc(label.legend) + '<br>' + shades.map(function (s, i) {
            return '<span style="background:' + s + '"></span> ' + (max * i / shades.length).toFixed(1) + '–' + (max * (i + 1) / shades.length).toFixed(1);
        }).join('<br>');
        return div;
    };
    legend.addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([31.42, 34.38], 10); }
    el.dataset.ready = 'true';
})();
