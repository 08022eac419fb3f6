// The incident map: vector layers only (governorates, areas, lines, crossings) and clustered incident markers.
(function () {
    var el = document.getElementById("incident-map");
    if (!el || typeof L === "undefined") return;
    var data = JSON.parse(document.getElementById("map-data").textContent);
    // No tile layer: the zoom range must be given (Leaflet takes it from tiles otherwise).
    var map = L.map(el, { attributionControl: true, zoomSnap: 0.25, minZoom: 7, maxZoom: 18 });
    var styles = {
        governorate: { color: "#546e7a", weight: 1, fillOpacity: 0.04 },
        area: { color: "#b26a00", weight: 1, dashArray: "4 3", fillOpacity: 0.08 },
        line: { color: "#f9a825", weight: 3 },
    };
    var zones = L.geoJSON(data.zones, {
        style: function (f) { return styles[f.properties.kind] || {}; },
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 5, color: "#1565c0" }); },
        onEachFeature: function (f, layer) {
            var p = f.properties;
            layer.bindTooltip(p.name + (p.approximation ? " (" + p.approximation + ")" : ""));
        },
    }).addTo(map);
    map.attributionControl.addAttribution("Zones: see their sources on the zones list");
    var colours = { reported: "#757575", underReview: "#1565c0", verified: "#c62828", notVerified: "#2e7d32", disputed: "#6a1b9a", dismissed: "#bdbdbd" };
    var cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    data.incidents.forEach(function (i) {
        var m = L.circleMarker([i.lat, i.lon], { radius: 7, color: colours[i.state] || "#333", fillOpacity: 0.8 });
        m.bindPopup('<a href="' + (data.link || "/incidents/") + i.id + '">' + i.day + " · " + i.type.replace(/</g, "&lt;") + "</a><br>" + i.state + (i.confidence ? " · " + i.confidence : ""));
        cluster.addLayer(m);
    });
    cluster.addTo(map);
    var bounds = zones.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds); else map.setView([31.42, 34.38], 10);
    el.dataset.ready = "true";
})();
