"""Django's SQLite backend with a connection pool: ``ENGINE = "app.sqlite_pool"``.

See :mod:`app.sqlite_pool.base` for why and how.
"""
