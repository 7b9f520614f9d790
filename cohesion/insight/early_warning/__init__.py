"""Early warning: outbreak-detection methods on weekly incident counts (no Django).

Methods reproduce R's `surveillance` package (farringtonFlexible, earsC) and add a
negative-binomial CUSUM and a space-time permutation scan for sparse ward counts;
see docs/adr/0012-early-warning.md and ../shared/reference/early-warning.md.
"""
