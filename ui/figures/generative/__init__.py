"""Figures of the generative section's pages."""
