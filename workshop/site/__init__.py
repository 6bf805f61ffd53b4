"""Build-time helpers for the workshop's MkDocs site (loaded by ``workshop/site/hooks.py``).

Each module has one job: reading the lessons and exercises (``catalog``), the instructor
schedule (``schedule``), generated Markdown (``pages``), rewriting rendered HTML (``html``) and the
API table (``api_table``). They are plain functions so ``tests/site`` can test them directly.
"""
