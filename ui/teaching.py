"""The teaching frame every page shares: a short "Try this" path above the first chart, and a one-sentence
takeaway closing each section. The texts live in the page's catalog: `<ns>.try.step1` … `step3` and
`<ns>.takeaway.<section>`; the look lives here, so every page shows them the same way."""
from __future__ import annotations

import streamlit as st

from ui.i18n import t

TRY_STEPS = ("step1", "step2", "step3")


def try_this(ns: str, *, where=None) -> None:
    """Three numbered steps, each saying what to change and what to look for."""
    steps = "\n".join(f"{i}. {t(f'{ns}.try.{step}')}" for i, step in enumerate(TRY_STEPS, 1))
    box = (where or st).container(border=True)  # not st.info: notices keep their own boxes
    box.markdown(f":material/science: **{t('teaching.try_title')}**\n\n{steps}")


def takeaway(ns: str, section: str, *, where=None) -> None:
    """The one sentence a learner should keep from a section, at its end."""
    (where or st).markdown(f":material/lightbulb: **{t('teaching.takeaway_title')}** {t(f'{ns}.takeaway.{section}')}")
