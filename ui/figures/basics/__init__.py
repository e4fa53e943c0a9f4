"""Figures of the basics section's pages."""
