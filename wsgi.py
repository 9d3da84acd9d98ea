"""WSGI entry point: ``gunicorn wsgi:app``."""
from timeline import create_app

app = create_app()
