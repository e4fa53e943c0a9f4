"""Figures of the attention section's pages."""
