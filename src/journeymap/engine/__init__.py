"""The only package that knows DuckDB, Spark or another Ibis backend by name."""
