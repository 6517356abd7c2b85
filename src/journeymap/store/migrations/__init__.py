"""Alembic migrations of the store's schema; ``journeymap.store.migrate`` runs them."""
