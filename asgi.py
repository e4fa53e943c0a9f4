"""The server `make run` starts: Streamlit's app (app.py) plus the live panels' route (ui/live_feed.py).

`streamlit run asgi.py` finds `app` below and serves app.py through it, with every `--server.*` option as usual.
A plain `streamlit run app.py` works too; its live panels then refresh by fragment reruns (slower in the browser).
"""
import streamlit as st

from ui.live_feed import route

app = st.App("app.py", routes=[route()])
