"""Lexicons as data: countries, places, people, organizations, triggers, taxonomy, topics."""
