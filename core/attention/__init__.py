"""Attention section: attention by hand, the Bahdanau translator, the Transformer, corpus and vocabulary."""
