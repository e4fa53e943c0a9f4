"""A neural agent learns to balance a pole (CartPole-v1): PPO, A2C or DQN, trained live until it is solved."""
import numpy as np
import streamlit as st
import torch

from core.device import device
from core.rl.cartpole import SOLVED_RETURN, THETA_LIMIT
from core.rl.neural import ALGORITHMS, SOLVED_WINDOW, CartPoleConfig, CartPoleTrainer, make_trainer
from core.rl.returns import discounted_returns
from core.rl.tabular import moving_average
from ui import live_feed
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import PALETTE, show
from ui.figures.rl.cartpole import cart_figure, policy_map_figure, returns_figure, value_figure
from ui.figures.rl.pictures import cart_image, episode_curves_image, policy_map_image
from ui.i18n import options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, live_training
from ui.teaching import takeaway

LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
GAMMAS = [0.9, 0.95, 0.98, 0.99, 0.995]
ENTROPIES = [0.0, 0.001, 0.01, 0.05]
EXPLORE_STEPS = [2000, 5000, 10_000, 20_000, 50_000]
WIDTHS = [8, 16, 32, 64, 128]
MAP_THETAS = np.linspace(-THETA_LIMIT, THETA_LIMIT, 41)
MAP_OMEGAS = np.linspace(-2.0, 2.0, 41)

page = Page("cartpole")
page.header()

top = st.columns([1.4, 1, 1, 1, 1])
algorithm = page.choice("algo", ALGORITHMS, "ppo", labels=options("cartpole.algo", list(ALGORITHMS)),
                        style="segmented", where=top[0])
lr = page.choice("lr", LRS, 1e-3, style="slider", where=top[1])
gamma = page.choice("gamma", GAMMAS, 0.99, style="slider", where=top[2])
entropy = page.choice("entropy", ENTROPIES, 0.0, style="slider", where=top[3])
explore = page.choice("explore", EXPLORE_STEPS, 10_000, style="slider", where=top[4])
row = st.columns([1, 1, 2])
width = page.choice("width", WIDTHS, 64, style="slider", where=row[0])
depth = page.slider("depth", 1, 3, 2, where=row[1])
watch = page.toggle("watch", True, where=row[2])
config = CartPoleConfig(algorithm=algorithm, width=width, depth=depth, lr=lr, gamma=gamma, entropy=entropy,
                        explore_steps=explore, seed=seed())
kind = "dqn" if algorithm == "dqn" else "pg"


def policy_map(trainer: CartPoleTrainer) -> np.ndarray:
    """P(push right) on the (θ, θ̇) grid, cart at rest at the centre: (len(MAP_OMEGAS), len(MAP_THETAS))."""
    theta, omega = np.meshgrid(MAP_THETAS, MAP_OMEGAS)
    states = np.stack([np.zeros(theta.size), np.zeros(theta.size), theta.ravel(), omega.ravel()], axis=1)
    p = trainer.right_probability(torch.as_tensor(states, dtype=torch.float32, device=device))
    return p.cpu().numpy().reshape(theta.shape)


def result_numbers(trainer: CartPoleTrainer) -> tuple[list[tuple[str, str]], str | None]:
    """The run's numbers as (label, value) pairs, and the "solved" line once it is (Markdown)."""
    latest = trainer.latest()
    numbers = [(t("cartpole.metrics.episodes"), f"{len(trainer.returns):,}"),
               (t("cartpole.metrics.env_steps"), f"{trainer.env_steps:,}"),
               (t("cartpole.metrics.mean_return", n=SOLVED_WINDOW), f"{latest.get('mean_return', 0.0):.0f}")]
    if trainer.solved is None:
        return numbers, None
    episodes, steps, seconds = trainer.solved
    return numbers, t("cartpole.solved", seconds=f"{seconds:.1f}", steps=f"{steps:,}", episodes=f"{episodes:,}")


def results(trainer: CartPoleTrainer, where) -> None:
    numbers, solved = result_numbers(trainer)
    for col, (label, value) in zip(where.columns(3), numbers):
        col.metric(label, value)
    if solved is not None:
        where.success(solved, icon=":material/flag:")


def draw(run) -> None:
    trainer: CartPoleTrainer = run.trainer
    left, right = st.columns([1, 1.3], gap="medium")
    if run.running:  # live: pictures, which a browser redraws several times a second (ui/figures/rl/pictures.py)
        cart, returns, policy = live_charts(run)
        show_picture(cart[1], title=cart[0], where=left)
        if trainer.steps_done and watch:
            left.caption(t("cartpole.watch.pause_hint"))
        results(trainer, left)
        if returns is not None:
            show_picture(returns[1], title=returns[0], caption=returns[2], where=right)
        map_col, value_col = st.columns(2, gap="medium")
        show_picture(policy[1], title=policy[0], caption=policy[2], where=map_col)
        map_col.caption(t(f"cartpole.map.caption_{kind}"))
        value_col.caption(t("runner.live_picture"))
        return
    replay = None
    if watch and trainer.steps_done:
        replay = run.per_model_state("replay", lambda: trainer.greedy_episode(seed=trainer.steps_done))
    if replay is not None:
        states, actions, values = replay
        frame = left.slider(t("cartpole.watch.frame"), 0, len(actions), len(actions), key="cartpole.frame") \
            if len(actions) else 0
        show(cart_figure(states[frame], t("cartpole.watch.title", steps=len(actions)),
                         action=int(actions[frame]) if frame < len(actions) else None),
             key="cartpole.cart", where=left, csv=False)
    else:
        show(cart_figure(trainer.envs.state[0], t("cartpole.cart_live")), key="cartpole.cart", where=left, csv=False)
    if replay is None and trainer.steps_done and watch:
        left.caption(t("cartpole.watch.pause_hint"))
    results(trainer, left)
    if trainer.returns:
        show(returns_figure(trainer.returns, moving_average(trainer.returns, SOLVED_WINDOW), SOLVED_RETURN,
                            returns_names(), title=t("cartpole.curves.title")), key="cartpole.returns", where=right)
    p_right = run.per_model_state("policy", lambda: policy_map(trainer))
    map_names = {"prob": t("cartpole.map.prob"), "path": t("cartpole.map.path"), "x": t("cartpole.map.x"),
                 "y": t("cartpole.map.y")}
    path = replay[0][:, 2:4] if replay is not None else None
    map_col, value_col = st.columns(2, gap="medium")
    show(policy_map_figure(MAP_THETAS, MAP_OMEGAS, p_right, map_names, title=t(f"cartpole.map.title_{kind}"),
                           path=path), key="cartpole.policy", where=map_col)
    map_col.caption(t(f"cartpole.map.caption_{kind}"))
    if replay is not None:
        states, actions, values = replay
        returns = discounted_returns(np.ones(len(actions)), config.gamma)
        value_names = {"value": t(f"cartpole.values.estimate_{kind}"), "return": t("cartpole.values.actual"),
                       "x": t("cartpole.values.x")}
        show(value_figure(values[:-1], returns, value_names, title=t("cartpole.values.title"),
                          frame=min(frame, len(actions) - 1) if len(actions) else None),
             key="cartpole.values", where=value_col)
        value_col.caption(t("cartpole.values.caption", horizon=f"{1 / (1 - config.gamma):.0f}"))


def live_frame(run) -> list[dict]:
    """`draw` while it trains, as live-panel blocks (ui/live_feed.py)."""
    trainer: CartPoleTrainer = run.trainer
    cart, returns, policy = (chart and live_feed.picture(chart[1], title=chart[0], caption=chart[2], stretch=True)
                             for chart in live_charts(run))
    numbers, solved = result_numbers(trainer)
    left = [cart, *([live_feed.note(t("cartpole.watch.pause_hint"))] if trainer.steps_done and watch else []),
            live_feed.metrics(*numbers), *([live_feed.text(solved)] if solved else [])]
    return [live_feed.columns([1, 1.3], left, [returns] if returns else []),
            live_feed.columns([1, 1], [policy, live_feed.note(t(f"cartpole.map.caption_{kind}"))],
                              [live_feed.note(t("runner.live_picture"))])]


def returns_names() -> dict[str, str]:
    return {"each": t("cartpole.curves.each"), "average": t("cartpole.curves.average", n=SOLVED_WINDOW),
            "solved": t("cartpole.curves.solved", value=int(SOLVED_RETURN)), "x": t("cartpole.curves.x")}


def live_charts(run) -> tuple[tuple[str, str, str], tuple[str, str, str] | None, tuple[str, str, str]]:
    """While training, as (title, PNG data URI, caption) each, legends and axes in text: one of the environments
    now, each episode's return with the mean of the last 100 and the "solved" line (None before the first episode
    ends), and the policy map."""
    trainer: CartPoleTrainer = run.trainer
    cart = (t("cartpole.cart_live"), live_png(run, "cartpole.cart", lambda: cart_image(trainer.envs.state[0])), "")
    returns = None
    if trainer.returns:
        names = returns_names()
        legend = (f"{markdown_legend([(names['each'], PALETTE[0])], mark='──')} \u2003 "
                  f"{markdown_legend([(names['average'], PALETTE[0])])} \u2003 :green[╌╌] {names['solved']}")
        returns = (t("cartpole.curves.title"), live_png(run, "cartpole.returns", lambda: episode_curves_image(
                       trainer.returns, moving_average(trainer.returns, SOLVED_WINDOW), PALETTE[0],
                       threshold=(SOLVED_RETURN, PALETTE[2]))),
                   f"{legend}  \n{t('runner.axes', x=names['x'], y=t('cartpole.curves.y'))}")
    p_right = run.per_model_state("policy", lambda: policy_map(trainer))
    prob, x, y = t("cartpole.map.prob"), t("cartpole.map.x"), t("cartpole.map.y")
    policy = (t(f"cartpole.map.title_{kind}"),
              live_png(run, "cartpole.policy", lambda: policy_map_image(MAP_THETAS, MAP_OMEGAS, p_right)),
              f"{t('cartpole.map.scale', prob=prob)}  \n{t('runner.axes', x=x, y=y)}")
    return cart, returns, policy


live_training("cartpole", lambda: make_trainer(config), config, draw, steps_per_click=1, interval_s=LIGHT_INTERVAL_S,
              live_frame=live_frame)
st.caption(t(f"cartpole.iteration_note.{kind}"))
takeaway("cartpole", "training")

with st.expander(t("cartpole.explain.heading"), icon=":material/school:"):
    st.markdown(t("cartpole.explain.body"))
takeaway("cartpole", "explain")
page.finish()
