"""Analytics over incident records and population counts (no Django imports).

`cohesion.insight` is a plain pandas/numpy/scipy library: the web app and the
command line are thin layers over it. Importing it must never import Django
(a test checks this), so it can run in a notebook, a worker or a benchmark.

- `inputs`: read and validate the incidents and population CSVs (or frames);
- `sia`: the Strategic Intelligence Assessment (`assess`, `assess_from_marginals`,
  `to_json`);
- `marginals`: the counts an assessment is built from (`Marginals`, and
  `summarise` to get them from a frame; a database reader counts them in SQL);
- `stats`: exact Poisson and Wilson confidence intervals;
- `codes`: the code lists of the CSV contracts;
- `cli`: `cohesion sia …` (argument parsing and output files).
"""
