"""Figures of the reinforcement-learning pages."""
