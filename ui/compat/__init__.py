"""The only places that touch Streamlit's and Plotly's private internals; each has tests that fail on an upgrade."""
