// Enhancements for the public report journey (the pages work without them).
// 1. The map: lets a person mark where it happened. Without
// JavaScript the list of areas does the same job, and the map never appears.
// The point fills two hidden fields; the server finds the ward it falls in.
(function () {
  var group = document.getElementById('report-map-group')
  var holder = document.getElementById('report-map')
  var lat = document.getElementById('id_latitude')
  var lon = document.getElementById('id_longitude')
  if (!group || !holder || !lat || !lon || !window.L) return
  var status = document.getElementById('report-map-status')
  var clear = document.getElementById('report-map-clear')
  group.hidden = false
  var map = window.L.map(holder, { attributionControl: true })
  var tiles = holder.getAttribute('data-tile-url')
  var attribution = holder.getAttribute('data-tile-attribution') || ''
  if (tiles) window.L.tileLayer(tiles, { maxZoom: 18, attribution: attribution }).addTo(map)
  var bounds = (holder.getAttribute('data-bounds') || '').split(',').map(Number)
  if (bounds.length === 4 && !bounds.some(isNaN)) {
    map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]])
  } else {
    map.setView([52.9, -1.5], 8)
  }
  // The councils' outlines, so the map means something even without tiles.
  ;(holder.getAttribute('data-councils') || '').split(',').filter(Boolean).forEach(function (code) {
    window.fetch('/api/v1/areas/' + encodeURIComponent(code))
      .then(function (response) { return response.ok ? response.json() : null })
      .then(function (area) {
        if (area && area.geometry) {
          window.L.geoJSON(area.geometry, {
            interactive: false,
            style: { color: '#1d70b8', weight: 2, fillOpacity: 0.05 }
          }).addTo(map)
        }
      })
      .catch(function () {})
  })
  var marker = null
  function mark (point) {
    if (marker) {
      marker.setLatLng(point)
    } else {
      marker = window.L.circleMarker(point, { radius: 9, color: '#d4351c', weight: 3 }).addTo(map)
    }
    lat.value = point.lat.toFixed(6)
    lon.value = point.lng.toFixed(6)
    status.textContent = holder.getAttribute('data-marked-text')
    clear.hidden = false
  }
  if (lat.value && lon.value) mark(window.L.latLng(Number(lat.value), Number(lon.value)))
  map.on('click', function (event) { mark(event.latlng) })
  clear.addEventListener('click', function () {
    if (marker) marker.remove()
    marker = null
    lat.value = ''
    lon.value = ''
    status.textContent = ''
    clear.hidden = true
  })
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

// The contact question: show the name, phone and email boxes only after "Yes".
// Without JavaScript they are always shown. Done here rather than by GOV.UK
// Frontend, whose reveal sets aria-expanded on a radio button (not allowed by ARIA).
;(function () {
  document.querySelectorAll('input[type="radio"][data-reveals]').forEach(function (input) {
    var panel = document.getElementById(input.getAttribute('data-reveals'))
    if (!panel) return
    var group = document.querySelectorAll('input[type="radio"][name="' + input.name + '"]')
    function sync () {
      panel.classList.toggle('govuk-radios__conditional--hidden', !input.checked)
    }
    group.forEach(function (radio) { radio.addEventListener('change', sync) })
    sync()
  })
})()
