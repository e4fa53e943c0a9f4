"""Reinforcement learning: tabular agents in grid worlds, and neural agents on CartPole."""
