"""Journey analytics: pure functions from Ibis tables to typed, frozen results.

They never connect to a database: callers pass ``ibis.Table`` expressions (from DuckDB,
PySpark or any Ibis backend) and every computation runs inside that engine.
"""
