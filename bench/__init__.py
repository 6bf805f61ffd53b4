""" "Is it worth it?": every way to serve Django's ORM, measured side by side in one run.

``python -m bench`` (or ``make bench``) creates a benchmark database of its own, starts each
variant as a real server on 127.0.0.1, drives it from a separate load-generator process and
prints a table; ``--out DIR`` also writes results.json, results.csv and results.png.
"""
