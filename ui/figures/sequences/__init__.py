"""Figures of the sequences section's pages."""
