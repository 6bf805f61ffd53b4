"""One module per family of variants; each exposes what ``bench.serve`` starts.

The FastAPI variants reuse the app's own schema (``ReadBookSchema``) and its parameter types,
so the only thing that differs from the app is how the rows are fetched.
"""
