"""Alembic migrations of the canteen database (env.py, versions/)."""
