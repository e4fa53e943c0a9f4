"""Sequences section: RNN cells, LSTM/GRU gates, sequence tasks and their trainers."""
