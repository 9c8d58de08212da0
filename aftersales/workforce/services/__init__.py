"""Writes of the field workforce, one module per topic (keyword-only, atomic, scoped to the caller)."""
