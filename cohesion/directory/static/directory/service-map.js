// Enhancement only: shows a service's places on a Leaflet map (same setup as the area maps:
// tiles only if the operator configured a tile server). The address list is the content
// without JavaScript.
(function () {
  var holder = document.getElementById('service-map')
  if (!holder || !window.L) return
  var data = JSON.parse(holder.getAttribute('data-geojson'))
  var tiles = holder.getAttribute('data-tile-url')
  holder.hidden = false
  var map = window.L.map(holder, { attributionControl: true })
  var attribution = holder.getAttribute('data-tile-attribution') || ''
  if (tiles) window.L.tileLayer(tiles, { maxZoom: 18, attribution: attribution }).addTo(map)
  var layer = window.L.geoJSON(data, {
    pointToLayer: function (feature, latlng) {
      return window.L.circleMarker(latlng, { radius: 8, color: '#1d70b8', weight: 2, fillOpacity: 0.6 })
    },
    onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name) }
  }).addTo(map)
  var bounds = layer.getBounds()
  if (data.features.length === 1) map.setView(bounds.getCenter(), 15)
  else map.fitBounds(bounds, { padding: [20, 20] })
  holder.querySelectorAll('.leaflet-control-zoom a').forEach(function (control) {
    control.addEventListener('keydown', function (event) {
      if (event.key === ' ') {
        event.preventDefault()
        control.click()
      }
    })
  })
})()
