"""The grid-world page as a visitor uses it: it trains, controls change the run, mazes are checked, links are safe."""
from tests.app.harness import assert_no_exception, by_key, open_page, press, train, warnings_text


def test_default_page_trains_on_the_cliff_and_shows_the_update():
    at = open_page("gridworld")
    train(at, "gridworld", 3)
    trainer = at.session_state["gridworld.run"].trainer
    assert trainer.config.world == "cliff" and trainer.steps_done > 0 and len(trainer.returns) == trainer.steps_done
    assert len(at.image) == 3 and not at.get("plotly_chart")  # live: pictures of the grid, returns, moves per episode
    captions = "\n".join(c.value for c in at.caption)
    assert ":red[━━] latest episode" in captions and ":blue[──] each episode" in captions
    assert "pause for the interactive charts" in captions
    assert any("\\leftarrow" in latex.value and "0.5" in latex.value for latex in at.latex)
    press(at, "gridworld.run.pause")
    assert len(at.get("plotly_chart")) == 3 and not at.image  # paused: interactive, hover shows the Q-table
    assert not at.error


def test_normal_speed_shows_the_first_episodes_one_by_one_then_fast_forwards():
    at = open_page("gridworld")
    train(at, "gridworld", 5)
    run = at.session_state["gridworld.run"]
    assert run.trainer.steps_done == 5  # one episode per refresh while fewer than 20 are done
    for _ in range(30):
        at.run()
    assert_no_exception(at)
    # each refresh adds a tenth of the episodes so far (rounded down, at least 1; fewer only if that many would not
    # fit in a tick's training time, on a very busy machine): 30 refreshes from 5 → 72 at most, 35 if one at a time
    episodes = 5
    for _ in range(30):
        episodes += max(1, episodes // 10)
    assert 35 < run.trainer.steps_done <= episodes == 72


def test_chinese_page_trains():
    at = open_page("gridworld", lang="zh")
    train(at, "gridworld", 2)
    assert at.session_state["gridworld.run"].trainer.steps_done > 0
    assert any("回合" in m.label for m in at.metric)


def test_controls_start_a_fresh_run_and_the_lake_gets_solved():
    at = open_page("gridworld")
    by_key(at.selectbox, "gridworld.world").select("lake4").run()
    by_key(at.selectbox, "gridworld.algo").select("sarsa").run()
    by_key(at.select_slider, "gridworld.gamma").set_value(0.9).run()
    by_key(at.select_slider, "gridworld.eps").set_value(0.5).run()
    by_key(at.select_slider, "gridworld.decay").set_value(0.95).run()
    assert_no_exception(at)
    run = at.session_state["gridworld.run"]
    assert (run.config.world, run.config.algorithm, run.config.gamma) == ("lake4", "sarsa", 0.9)
    assert run.trainer.steps_done == 0 and not run.running
    for _ in range(40):
        press(at, "gridworld.run.step")  # 10 episodes per click
        if run.trainer.solved_episode is not None:
            break
    assert any("Solved" in s.value for s in at.success)


def test_slow_motion_and_playing_the_greedy_policy():
    at = open_page("gridworld", params={"slow": "1", "play": "1", "world": "maze"})
    press(at, "gridworld.run.step")
    assert at.session_state["gridworld.run"].trainer.steps_done == 1
    frame = by_key(at.slider, "gridworld.frame")
    frame.set_value(0).run()
    assert_no_exception(at)
    assert any("greedy policy, played once" in c.value for c in at.caption)


def test_bad_mazes_get_a_clear_message_and_no_run():
    at = open_page("gridworld", params={"world": "maze"})
    area = by_key(at.text_area, "gridworld.maze")
    for text, words in (("S.#\n##G", "no path"), ("S.x\n..G", "Unknown character"), ("S..\n...", "no goal"),
                        ("S.\n.GG\n..", "Row 2 has 3 cells")):
        area.set_value(text).run()
        assert_no_exception(at)
        assert any(words in e.value for e in at.error), (text, [e.value for e in at.error])
    area.set_value("S..\n.#G").run()
    assert not at.error and at.session_state["gridworld.run"].config.maze == ("S..", ".#G")


def test_tampered_link_gets_notices_not_a_traceback():
    at = open_page("gridworld", params={"world": "moon", "alpha": "7", "gamma": "x", "algo": "td_lambda",
                                        "eps": "-1", "bogus": "1"})
    notices = warnings_text(at)
    for name in ("world", "alpha", "gamma", "algo", "eps", "bogus"):
        assert name in notices
    config = at.session_state["gridworld.run"].config
    assert (config.world, config.alpha, config.algorithm, config.epsilon) == ("cliff", 0.5, "q_learning", 0.1)


def test_a_maze_in_a_link_is_checked_too():
    at = open_page("gridworld", params={"world": "maze", "maze": "SSG\n..."})
    assert any("exactly one start" in e.value for e in at.error)
    assert "gridworld.run" not in at.session_state
