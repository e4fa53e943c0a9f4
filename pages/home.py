"""Start page: the path from one neuron to a Transformer, every topic one click away."""
import streamlit as st

from ui.i18n import t
from ui.nav import PAGES
from ui.page import Page

COLUMNS = 3

page = Page("home")
page.header()
st.markdown(t("home.how"))
st.caption(t("home.path"))

sections: dict[str, list] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(spec)
for section, specs in sections.items():
    st.subheader(t(f"nav.{section}"))
    for start in range(0, len(specs), COLUMNS):  # row by row: on a phone the cards stack in the suggested order
        for column, spec in zip(st.columns(COLUMNS), specs[start:start + COLUMNS]):
            with column.container(border=True):
                st.page_link(spec.path, label=t(f"{spec.slug}.nav"), icon=spec.icon)
                st.caption(t(f"home.summary.{spec.slug}"))
page.finish()
