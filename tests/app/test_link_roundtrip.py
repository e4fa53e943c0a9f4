"""Every page's state round-trips through its link: change controls, copy the URL, open it fresh, same page."""
import pytest

from tests.app.harness import assert_no_exception, open_page
from ui.nav import PAGES

KINDS = ("slider", "select_slider", "selectbox", "radio", "number_input", "toggle", "checkbox", "multiselect",
         "text_input", "text_area", "button_group")


def control_values(at, slug):
    values = {}
    for kind in KINDS:
        for widget in getattr(at, kind, []):
            if widget.key and widget.key.startswith(f"{slug}.") and ".run." not in widget.key \
                    and ".preset." not in widget.key and ".model." not in widget.key:
                try:
                    value = widget.value
                except KeyError:  # a widget drawn inside a fragment that this run did not draw again
                    continue
                values[widget.key] = pytest.approx(value, rel=1e-5) if isinstance(value, float) else value
    return values


def fresh(widgets, key):
    return next((w for w in widgets if w.key == key), None)


def change_some_controls(at, slug):
    """Move up to three sliders one step and pick the second option of up to two drop-downs.

    Widgets are looked up again after every run: a change may add or remove other controls.
    """
    moved = 0
    for key in [s.key for s in at.slider if s.key and s.key.startswith(f"{slug}.")]:
        slider = fresh(at.slider, key)
        if moved >= 3 or slider is None or isinstance(slider.value, tuple):
            continue
        step = slider.step or 1
        target = slider.value + step if slider.value + step <= slider.max else slider.value - step
        slider.set_value(type(slider.value)(target)).run()
        assert_no_exception(at)
        moved += 1
    for key in [b.key for b in at.selectbox if b.key and b.key.startswith(f"{slug}.")][:2]:
        box = fresh(at.selectbox, key)
        if box is None or len(box.options) < 2:
            continue
        box.select_index(1 if box.index != 1 else 0).run()
        assert_no_exception(at)
        moved += 1
    return moved


@pytest.mark.parametrize("spec", PAGES, ids=[p.slug for p in PAGES])
def test_link_reopens_the_page_exactly(spec):
    at = open_page(spec.slug, params={"seed": "123"})
    changed = change_some_controls(at, spec.slug)
    link = {name: value for name, value in at.query_params.items()}
    assert changed == 0 or len(link) > 0, "changed controls must show in the link"
    reopened = open_page(spec.slug, params={**link, "seed": "123"})
    assert control_values(reopened, spec.slug) == control_values(at, spec.slug)
