"""The timeline page (static files)."""
