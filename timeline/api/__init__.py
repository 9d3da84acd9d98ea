"""flask-smorest blueprints under /api/v1."""
