"""A tab that reconnects into a new server session (restart, replica lost, away past the TTL) gets its settings
from the link and one notice that the live model is gone; a page opened fresh gets no notice."""
from streamlit.runtime.state.safe_session_state import SafeSessionState
from streamlit.runtime.state.session_state import SessionState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.app_test import TESTING_KEY, _AppTestSessionState

from tests.app.harness import ROOT, assert_no_exception

NOTICE = "reconnected to a new server session"


def rerun_in_a_new_server_session(at: AppTest) -> AppTest:
    """What a server restart leaves: an empty session, while the browser still shows (and sends) its widgets."""
    shown = at._tree.get_widget_states()  # what the browser sends with its next run
    state = SessionState()
    state[TESTING_KEY] = at._session_state[TESTING_KEY]  # AppTest's widget serializers, not app state
    at._session_state = SafeSessionState(state, lambda: None)
    at.session_state = _AppTestSessionState(at._session_state)
    at._run(shown)
    assert_no_exception(at)
    return at


def notices(at: AppTest) -> str:
    return "\n".join(box.value for box in at.info)


def run(at: AppTest) -> AppTest:
    at.run()
    assert_no_exception(at)
    return at


def test_reconnect_into_a_new_session_keeps_the_settings_and_says_the_model_is_lost_once():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["seed"] = "7"
    run(at)
    assert NOTICE not in notices(at)  # a page opened from a link is not a reconnect
    at.sidebar.number_input[0].set_value(9)
    run(at)
    assert NOTICE not in notices(at)  # reruns of the same session neither

    rerun_in_a_new_server_session(at)
    assert NOTICE in notices(at)
    assert "Model file" in notices(at)  # where a downloaded model goes back in
    assert at.sidebar.number_input[0].value == 9  # the setting survived (link and the browser's widget value)
    assert at.query_params["seed"] in ("9", ["9"])  # the link carries it too
    run(at)
    assert NOTICE not in notices(at)  # once


def test_notice_in_chinese():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "zh"
    run(at)
    rerun_in_a_new_server_session(at)
    assert "新的服务器会话" in notices(at)
