"""Writes of the portal app. Each function owns its transaction and records activity."""
