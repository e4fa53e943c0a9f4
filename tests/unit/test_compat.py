"""The Streamlit and Plotly internals of ui/compat still exist and mean what the app assumes.

An upgrade that renames or reshapes one fails here, by name, instead of silently changing the app.
"""
import inspect

import plotly.graph_objects as go
import streamlit
from streamlit import runtime
from streamlit.runtime.pages_manager import PagesManager

from ui.compat import plotly_internals, streamlit_internals


def test_streamlit_is_the_pinned_version():
    pinned = [line.split("==")[1].split()[0] for line in open("requirements.txt")
              if line.startswith("streamlit==")]
    assert pinned == [streamlit.__version__], "requirements.txt pins Streamlit to the version these shims were tested on"


def test_the_legacy_pages_flag_is_a_class_attribute_the_shim_can_switch_off():
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True
        assert streamlit_internals.leave_legacy_multipage_mode() is True
        assert PagesManager.uses_pages_directory is False
        assert streamlit_internals.leave_legacy_multipage_mode() is False
    finally:
        PagesManager.uses_pages_directory = saved


def test_the_runtime_keeps_a_session_manager_that_lists_sessions():
    assert "self._session_mgr" in inspect.getsource(runtime.Runtime.__init__)
    from streamlit.runtime.session_manager import SessionManager

    assert callable(getattr(SessionManager, "list_sessions"))
    streamlit_internals.expire_closed_sessions()  # no runtime here: a no-op, never an error


def test_plotly_figures_hold_their_layout_and_traces_as_the_plain_dicts_to_dict_gives():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="a"), layout={"margin": {"l": 7}, "title": {"text": "t"}})
    layout, traces = plotly_internals.layout_dict(fig), plotly_internals.trace_dicts(fig)
    assert isinstance(layout, dict) and layout["margin"] == {"l": 7} and layout["title"] == {"text": "t"}
    assert isinstance(traces, list) and traces[0]["name"] == "a" and list(traces[0]["y"]) == [3, 4]
    fig.layout.margin.update(l=30)  # written through the figure: the dict we read follows
    assert plotly_internals.layout_dict(fig)["margin"]["l"] == 30


def test_a_runs_pending_widget_states_are_where_the_reconnect_shim_reads_them():
    from streamlit.runtime.state.session_state import SessionState

    state = SessionState()
    assert isinstance(state._new_widget_state.states, dict)  # the front end's widget values of this run land here
    assert streamlit_internals.browser_sent_widget_values() is False  # outside a script run: no values, no error


def test_a_script_run_context_lists_the_fragments_a_rerun_runs_alone():
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    assert "fragment_ids_this_run" in inspect.signature(ScriptRunContext).parameters  # set for fragment reruns only
    assert streamlit_internals.fragment_rerun() is False  # outside a script run: a whole page, no error


def test_an_unvalidated_figure_holds_the_dicts_it_was_given_and_carries_our_mark():
    spec = {"data": [{"type": "scatter", "x": [1, 2], "y": [3, 4], "name": "a"}], "layout": {"height": 200}}
    fig = plotly_internals.unvalidated_figure(spec)
    assert fig.data[0].name == "a" and list(fig.data[0].y) == [3, 4] and fig.layout.height == 200
    assert not plotly_internals.room_reserved(fig)
    assert plotly_internals.room_reserved(plotly_internals.mark_room_reserved(fig))
    go.Figure(fig.to_dict())  # and it is a valid figure


def test_a_fragment_timer_is_an_auto_rerun_message_for_the_running_fragment_id():
    """`set_fragment_interval` sends what `st.fragment(run_every=…)` sends, for the fragment running now."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime import fragment
    from streamlit.runtime.scriptrunner_utils.script_run_context import FragmentThreadState, ThreadState

    msg = ForwardMsg()
    msg.auto_rerun.interval, msg.auto_rerun.fragment_id = 1.0, "f"
    assert msg.WhichOneof("type") == "auto_rerun"
    assert "msg.auto_rerun.interval" in inspect.getsource(fragment) and "ThreadState.scoped(" in inspect.getsource(fragment)
    assert "fragment_id" in FragmentThreadState.__dataclass_fields__ and callable(ThreadState.get)
    assert streamlit_internals.set_fragment_interval(1.0) is False


def test_stopping_a_fragment_timer_is_the_message_streamlit_sends_when_it_evicts_fragments():
    """`stop_fragment_timer` sends Streamlit's own StopAutoRerun (the one it sends for evicted fragments) for the
    fragment running now; outside a fragment run it sends nothing."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.stop_auto_rerun.fragment_ids.append("f")
    assert msg.WhichOneof("type") == "stop_auto_rerun" and list(msg.stop_auto_rerun.fragment_ids) == ["f"]
    assert "stop_auto_rerun" in inspect.getsource(script_runner)
    assert streamlit_internals.stop_fragment_timer() is False
