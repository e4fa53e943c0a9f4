"""Download the trained model with its settings; upload such a file to continue training from it."""
from __future__ import annotations

import streamlit as st

from core.checkpoint import MAX_FILE_BYTES, CheckpointError, check_shapes, load_checkpoint, save_checkpoint
from ui.i18n import error_text, t
from ui.pending import apply_values


LIMIT_MB = MAX_FILE_BYTES // 1_000_000  # Streamlit counts an upload's megabytes in thousands (in the browser)


def model_file_panel(ns: str, run) -> None:
    """The "model file" expander under a runner: download (if the trainer has tensors) and upload."""
    tensors = run.trainer.model_tensors()
    if tensors is None:
        return
    with st.expander(t("checkpoint.heading"), icon=":material/save:"):
        params = st.query_params.to_dict()
        st.download_button(t("checkpoint.download"), data=lambda: save_checkpoint(
                               ns, params, run.trainer.steps_done, run.trainer.model_tensors(), run.trained_seconds),
                           file_name=f"nn-playground-{ns}.pt", mime="application/octet-stream",
                           icon=":material/download:", key=f"{ns}.model.download", on_click="ignore")
        # the browser refuses bigger files before sending them, saying the same number as our own check
        st.file_uploader(t("checkpoint.upload"), type=["pt"], key=f"{ns}.model.upload",
                         on_change=_on_upload, args=(ns,), max_upload_size=LIMIT_MB,
                         help=t("checkpoint.upload_help", limit_mb=LIMIT_MB))
        message = st.session_state.pop(f"_checkpoint_message.{ns}", None)
        if message:
            kind, text = message
            (st.success if kind == "ok" else st.error)(text)


def _on_upload(ns: str) -> None:
    upload = st.session_state.get(f"{ns}.model.upload")
    if upload is None:
        return
    try:
        if upload.size > MAX_FILE_BYTES:  # a request sent around the browser's check: refused before reading
            raise CheckpointError("too_big", limit_mb=LIMIT_MB)
        params, steps, tensors, seconds = load_checkpoint(upload.getvalue(), ns)
    except CheckpointError as err:
        st.session_state[f"_checkpoint_message.{ns}"] = ("error", error_text("checkpoint.error", err))
        return
    apply_values(ns, params)  # rebuild the page's settings exactly as the model was trained
    st.session_state[f"_restore.{ns}"] = (steps, tensors, seconds)


def restore_into(ns: str, run) -> None:
    """After the page rebuilt its run from the uploaded settings: load the tensors and the training time the file
    carries (None: a file from before it was stored), or say why not."""
    pending = st.session_state.pop(f"_restore.{ns}", None)
    if pending is None:
        return
    steps, tensors, seconds = pending
    trainer = run.trainer
    try:
        check_shapes(trainer.model_tensors() or {}, tensors)
        trainer.resume(tensors, steps)  # its step count and one evaluation: the page shows a trained model
    except (CheckpointError, RuntimeError, KeyError, TypeError):
        st.session_state[f"_checkpoint_message.{ns}"] = ("error", t("checkpoint.error.mismatch"))
        return
    run.seconds_before = seconds
    units = t(f"runner.{'unit' if steps == 1 else 'units'}.{trainer.unit}")
    st.session_state[f"_checkpoint_message.{ns}"] = ("ok", t("checkpoint.loaded", steps=f"{steps:,}", unit=units))
