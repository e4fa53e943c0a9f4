"""NN Playground: navigation over the topic pages, the sidebar (language, seed, device), page config."""
# Imported eagerly on purpose: lazy first imports from two script threads at once (a `run_every` fragment
# and a rerun) raised "partially initialized module" errors (docs/DEVELOPING.md, "Gotchas").
from pathlib import Path

import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import streamlit as st
import torch
import torch._dynamo  # noqa: F401  (torch.optim imports it at the first optimizer: seconds of one visitor's run)

from core.device import configure_threads, device, device_label
from ui import housekeeping, run_log
from ui.i18n import LANGUAGES, t
from ui.nav import HOME, PAGES
from ui.page import DEFAULT_SEED, Page
from ui.reconnect import lost_session_notice
from ui.runner import mark_activity
from ui.share import share_box

RUN = run_log.started()  # this run's clocks, for benchmarks only (NNPG_RUN_LOG)

FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"
configure_threads()
housekeeping.start()
if "_nnpg_session" not in st.session_state:  # its going tells the housekeeper a session ended
    st.session_state["_nnpg_session"] = housekeeping.new_session_token()
mark_activity()
# The tab icon ships with the app: a :material: icon is fetched from a font host, which fails offline.
st.set_page_config(page_title="NN Playground", page_icon=str(FAVICON), layout="wide")

sidebar = Page("app")
with st.sidebar:
    sidebar.choice("lang", list(LANGUAGES), "en", labels=LANGUAGES, style="segmented", label=t("app.language"))
    sidebar.number("seed", 0, 2**31 - 1, DEFAULT_SEED, 1, label=t("app.seed"))
    threads = torch.get_num_threads()
    cpu = t("app.cpu_one") if threads == 1 else t("app.cpu_many", threads=threads)
    st.caption(t("app.device", device=cpu if device.type == "cpu" else device_label()))
sidebar.finish(where=st.sidebar, unknown=False)  # the page itself reports parameters nobody uses

# The start page is the default (at "/"), so every topic, the first one included, has its own /<slug> URL.
sections: dict[str, list] = {"": [st.Page(HOME.path, title=t("home.nav"), icon=HOME.icon, default=True)]}
for spec in PAGES:
    sections.setdefault(t(f"nav.{spec.section}"), []).append(
        st.Page(spec.path, title=t(f"{spec.slug}.nav"), icon=spec.icon, url_path=spec.slug))
lost_session_notice()  # above the page: a reconnect into a new session lost the live model, not the settings
page = st.navigation(sections, expanded=True)
page.run()
with st.sidebar:  # after the page ran, so the link carries the page's settings of this run
    share_box()
run_log.finished(RUN, page.url_path or "home")
