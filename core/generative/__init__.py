"""Generative section: autoencoders, GANs, their 2-D targets and mode-coverage measures."""
