"""Writes of the spare-parts context (keyword-only, atomic); see docs/parts.md."""
