// Enhancement only: swaps the drawn outline for a pan-and-zoom Leaflet map.
// The SVG outline and the list of areas remain the content without JavaScript.
(function () {
  var holder = document.getElementById('area-map')
  if (!holder || !window.L) return
  var data = JSON.parse(holder.getAttribute('data-geojson'))
  var tiles = holder.getAttribute('data-tile-url')
  holder.hidden = false
  var svg = holder.parentNode.querySelector('svg.cohesion-area-outline')
  if (svg) svg.setAttribute('hidden', '')
  var map = window.L.map(holder, { attributionControl: true })
  // The tile server's attribution is the operator's setting (it may hold a link).
  var attribution = holder.getAttribute('data-tile-attribution') || ''
  if (tiles) window.L.tileLayer(tiles, { maxZoom: 18, attribution: attribution }).addTo(map)
  var layer = window.L.geoJSON(data, {
    style: { color: '#1d70b8', weight: 2, fillOpacity: 0.15 },
    onEachFeature: function (feature, shape) {
      shape.bindTooltip(feature.properties.name)
      shape.on('click', function () { window.location.href = '/areas/' + feature.properties.code + '/' })
    }
  }).addTo(map)
  map.fitBounds(layer.getBounds())
  // Leaflet's zoom controls are links with role="button": make Space press them too.
  holder.querySelectorAll('.leaflet-control-zoom a').forEach(function (control) {
    control.addEventListener('keydown', function (event) {
      if (event.key === ' ') {
        event.preventDefault()
        control.click()
      }
    })
  })
})()
