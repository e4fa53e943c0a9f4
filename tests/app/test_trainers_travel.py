"""Every page's trainer, shipped to a training worker and back (core/train_process.py), trains exactly as the one
that never left: weights that are views stay views, and RNG states, optimizer state and history travel with it."""
from __future__ import annotations

import pytest

from core.train_process import unpack, shipping_cost
from tests.app.harness import ROOT, open_page
from ui.nav import PAGES

STEPS = 2
TRAINING_PAGES = [p.slug for p in PAGES if "live_training(" in (ROOT / p.path).read_text()]


def runs_of(at):
    state = at.session_state._state.filtered_state  # AppTest's session state has no public key listing
    return {key: at.session_state[key] for key in state if str(key).endswith(".run")}


@pytest.mark.parametrize("slug", TRAINING_PAGES)
def test_a_shipped_trainer_trains_like_the_one_that_stayed(slug):
    runs = runs_of(open_page(slug))
    assert runs, "a page with live training has a run after its first render"
    for key, run in runs.items():
        stayed = run.trainer
        shipment = shipping_cost(stayed, run.live)
        if shipment is None:  # trains in the server's thread: nothing to compare
            continue
        shipped, live = unpack(shipment[0])
        for trainer in (stayed, shipped):
            if live is not None:
                trainer.apply_live(live)
            trainer.step(STEPS)
        assert shipped.steps_done == stayed.steps_done, key
        assert shipped.history == stayed.history, key
