"""Basics section: activations, the Playground's MLP, backprop, perceptron, losses, optimizers, fitting."""
