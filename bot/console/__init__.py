"""The staff console: a server-rendered web app (FastAPI + Jinja2) mounted under /console on the web app."""
