"""The public hate-incident report: a one-thing-per-page journey, and its JSON twin.

`journey` defines the steps and their order, `forms` validates each step (the
pages and the API share them), `routing` decides which council receives a
report, and `submission` stores it once, however many times it is sent.
"""
