"""Tests of the staff console (FastAPI TestClient on a real database)."""
