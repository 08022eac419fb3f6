// Where JavaScript runs: a click on the map fills the latitude and longitude fields (which work on their own without it).
(function () {
    var el = document.getElementById("picker");
    if (!el || typeof L === "undefined") return;
    el.hidden = false;
    var lat = document.querySelector("input[name=latitude]");
    var lon = document.querySelector("input[name=longitude]");
    var zones = JSON.parse(document.getElementById("picker-data").textContent);
    var map = L.map(el, { minZoom: 7, maxZoom: 18 });
    var layer = L.geoJSON(zones, { style: function (f) { return f.properties.kind === "line" ? { color: "#f9a825", weight: 3 } : { color: "#546e7a", weight: 1, fillOpacity: 0.04 }; } }).addTo(map);
    if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds()); else map.setView([31.42, 34.38], 10);
    var marker = null;
    function place(latlng) {
        if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
        lat.value = latlng.lat.toFixed(6);
        lon.value = latlng.lng.toFixed(6);
    }
    map.on("click", function (e) { place(e.latlng); });
    if (lat.value && lon.value) place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
    el.dataset.ready = "true";
})();
