"""Storage layer: the embedded SQLite database by default, PostgreSQL through a URL.

Nothing in `monell.domain` or `monell.law` imports this package.
"""
