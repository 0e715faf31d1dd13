"""Tests of core.db on SQLite and (with CANTINE_TEST_DATABASE_URL) PostgreSQL."""
