// Builds cohesion/static/cohesion/ from the npm packages: compiles the stylesheet
// with Dart Sass and copies GOV.UK Frontend's JavaScript and images and Leaflet.
// Run by `make assets`; its output is not committed.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'cohesion', 'static', 'cohesion')
const modules = join(root, 'node_modules')

mkdirSync(out, { recursive: true })
const css = sass.compile(join(root, 'cohesion', 'assets', 'scss', 'cohesion.scss'), {
  loadPaths: [modules],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import']
})
writeFileSync(join(out, 'cohesion.css'), css.css)

const govuk = join(modules, 'govuk-frontend', 'dist', 'govuk')
cpSync(join(govuk, 'govuk-frontend.min.js'), join(out, 'govuk-frontend.min.js'))
cpSync(join(govuk, 'assets', 'images'), join(out, 'govuk', 'images'), { recursive: true })
cpSync(join(modules, 'leaflet', 'dist'), join(out, 'leaflet'), { recursive: true })
console.log(`assets built in ${out}`)
