// Enhancement only: shows each choropleth as a pan-and-zoom Leaflet map.
// The static SVG map, its key and the table stay the content without JavaScript;
// the SVG is hidden on screen once Leaflet has drawn, and print CSS brings it back.
(function () {
  if (!window.L) return
  var SVG = 'http://www.w3.org/2000/svg'

  // Leaflet draws into its own <svg>: give it the hatching that means "no data".
  function addPattern (svg, id) {
    if (!svg || document.getElementById(id)) return
    var defs = document.createElementNS(SVG, 'defs')
    var pattern = document.createElementNS(SVG, 'pattern')
    pattern.setAttribute('id', id)
    pattern.setAttribute('width', '6')
    pattern.setAttribute('height', '6')
    pattern.setAttribute('patternUnits', 'userSpaceOnUse')
    pattern.setAttribute('patternTransform', 'rotate(45)')
    var rect = document.createElementNS(SVG, 'rect')
    rect.setAttribute('width', '6')
    rect.setAttribute('height', '6')
    rect.setAttribute('fill', '#ffffff')
    var line = document.createElementNS(SVG, 'line')
    line.setAttribute('x1', '0')
    line.setAttribute('y1', '0')
    line.setAttribute('x2', '0')
    line.setAttribute('y2', '6')
    line.setAttribute('stroke', '#6f777b')
    line.setAttribute('stroke-width', '2')
    pattern.appendChild(rect)
    pattern.appendChild(line)
    defs.appendChild(pattern)
    svg.insertBefore(defs, svg.firstChild)
  }

  // Popup content built from text nodes, never from HTML strings.
  function popup (props, linkText, keyText) {
    var box = document.createElement('div')
    var name = document.createElement('p')
    name.className = 'govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1'
    name.textContent = props.name
    var value = document.createElement('p')
    value.className = 'govuk-body govuk-!-margin-bottom-1'
    value.textContent = props.value
    var klass = document.createElement('p')
    klass.className = 'govuk-body-s govuk-!-margin-bottom-1'
    klass.textContent = keyText + ': ' + props['class']
    box.appendChild(name)
    box.appendChild(value)
    box.appendChild(klass)
    if (props.url) {
      var link = document.createElement('a')
      link.className = 'govuk-link'
      link.href = props.url
      link.textContent = linkText + ': ' + props.name
      box.appendChild(link)
    }
    return box
  }

  function enhance (holder) {
    var data = JSON.parse(holder.getAttribute('data-geojson'))
    if (!data.features.length) return
    var tiles = holder.getAttribute('data-tile-url')
    var patternId = holder.getAttribute('data-pattern-id')
    var linkText = holder.getAttribute('data-link-text')
    var keyText = holder.getAttribute('data-key-text')
    holder.hidden = false
    // Quarter zoom steps let the council fill the box rather than a quarter of it.
    var map = window.L.map(holder, { attributionControl: true, zoomSnap: 0.25, zoomDelta: 0.5 })
    // No tiles unless the operator configured a tile server (and its attribution).
    if (tiles) {
      var attribution = holder.getAttribute('data-tile-attribution') || ''
      window.L.tileLayer(tiles, { maxZoom: 18, attribution: attribution }).addTo(map)
    }
    var layer = window.L.geoJSON(data, {
      style: function (feature) {
        var fill = feature.properties.fill
        return {
          // White on the darkest shades, where grey borders would vanish (areas/choropleth.py).
          color: feature.properties.outline || '#505a5f',
          weight: 1,
          fillColor: fill || '#ffffff',
          fillOpacity: tiles ? 0.75 : 1
        }
      },
      onEachFeature: function (feature, shape) {
        var props = feature.properties
        shape.bindTooltip(props.name + ': ' + props.value)
        shape.bindPopup(function () { return popup(props, linkText, keyText) })
      }
    }).addTo(map)
    map.fitBounds(layer.getBounds(), { padding: [8, 8] })
    map.attributionControl.addAttribution('ONS, OS data © Crown copyright')

    layer.eachLayer(function (shape) {
      var props = shape.feature.properties
      var path = shape.getElement()
      if (!path) return
      if (!props.fill) {
        addPattern(path.ownerSVGElement, patternId)
        path.setAttribute('fill', 'url(#' + patternId + ')')
      }
      // Every area is reachable with Tab; Enter or Space opens its popup and
      // moves focus to the link inside it.
      path.setAttribute('tabindex', '0')
      path.setAttribute('role', 'button')
      path.setAttribute('aria-label', props.name + ': ' + props.value)
      path.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault()
          shape.openPopup()
          var link = holder.querySelector('.leaflet-popup-content a')
          if (link) link.focus()
        }
      })
      path.addEventListener('focus', function () { shape.openTooltip() })
      path.addEventListener('blur', function () { shape.closeTooltip() })
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
    var figure = holder.closest('.cohesion-choropleth')
    var svg = figure && figure.querySelector('svg.cohesion-choropleth__svg')
    if (svg) svg.setAttribute('hidden', '')
  }

  document.querySelectorAll('.cohesion-choropleth__leaflet[data-geojson]').forEach(enhance)
})()
