"""Pure extraction: text in, dated events out (no database, no Flask)."""
