"""The CartPole page as a visitor uses it: it trains, the agent can be watched, controls and links are safe."""
from tests.app.harness import assert_no_exception, by_key, open_page, press, train, warnings_text


def test_default_page_trains_ppo_and_can_be_watched():
    at = open_page("cartpole")
    train(at, "cartpole", 3)
    assert len(at.image) == 3 and not at.get("plotly_chart")  # live: pictures of the cart, returns, policy map
    captions = "\n".join(c.value for c in at.caption)
    assert ":green[╌╌] solved: 475" in captions and ":orange[■■] 0 (push left)" in captions
    assert "pause for the interactive charts" in captions
    press(at, "cartpole.run.pause")
    assert not at.image
    trainer = at.session_state["cartpole.run"].trainer
    assert trainer.config.algorithm == "ppo" and trainer.steps_done > 0 and trainer.returns
    assert len(at.get("plotly_chart")) == 4  # cart, returns, policy map, values along the greedy episode
    frame = by_key(at.slider, "cartpole.frame")
    frame.set_value(0).run()
    assert_no_exception(at)
    assert not at.error


def test_chinese_page_trains():
    at = open_page("cartpole", lang="zh")
    train(at, "cartpole", 2)
    assert at.session_state["cartpole.run"].trainer.steps_done > 0
    assert any("回合" in m.label for m in at.metric)


def test_controls_start_a_fresh_run_with_their_settings():
    at = open_page("cartpole")
    by_key(at.button_group, "cartpole.algo").set_value("dqn").run()
    by_key(at.select_slider, "cartpole.width").set_value(16).run()
    by_key(at.slider, "cartpole.depth").set_value(1).run()
    by_key(at.select_slider, "cartpole.explore").set_value(2000).run()
    assert_no_exception(at)
    run = at.session_state["cartpole.run"]
    assert (run.config.algorithm, run.config.width, run.config.depth, run.config.explore_steps) == ("dqn", 16, 1, 2000)
    assert run.trainer.steps_done == 0 and not run.running
    press(at, "cartpole.run.step")
    assert run.trainer.steps_done == 1 and run.trainer.env_steps == 128
    assert any("DQN" in c.value or "Q(s, left)" in c.value for c in at.caption)


def test_tampered_link_gets_notices_not_a_traceback():
    at = open_page("cartpole", params={"algo": "reinforce", "lr": "abc", "depth": "9", "gamma": "2", "width": "7"})
    notices = warnings_text(at)
    for name in ("algo", "lr", "depth", "gamma", "width"):
        assert name in notices
    config = at.session_state["cartpole.run"].config
    assert (config.algorithm, config.lr, config.depth, config.gamma, config.width) == ("ppo", 1e-3, 3, 0.99, 64)
