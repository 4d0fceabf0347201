// Progressive enhancement only: every page works without this file.
import { initAll } from '/static/govuk-frontend/dist/govuk/govuk-frontend.min.js'

initAll()

// "Use my location": fills the hidden latitude/longitude fields from the browser, if allowed.
const button = document.querySelector('[data-onedoor-locate]')
if (button && 'geolocation' in navigator) {
  const status = document.getElementById('location-status')
  const lat = document.getElementById('id_latitude')
  const lon = document.getElementById('id_longitude')
  button.hidden = false
  button.addEventListener('click', (event) => {
    event.preventDefault()
    status.textContent = button.dataset.finding
    navigator.geolocation.getCurrentPosition(
      (position) => {
        lat.value = position.coords.latitude.toFixed(6)
        lon.value = position.coords.longitude.toFixed(6)
        status.textContent = button.dataset.found
      },
      () => { status.textContent = button.dataset.failed },
      { enableHighAccuracy: true, timeout: 10000 }
    )
  })
}
