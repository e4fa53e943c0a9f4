"""Figures of the vision section's pages."""
