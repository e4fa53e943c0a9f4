"""The loss-function page: curves, outlier fits, the confidently-wrong race, bad links."""
from tests.app.harness import by_key, open_page, warnings_text


def test_default_page_in_both_languages():
    for lang, heading in (("en", "Outliers"), ("zh", "离群点")):
        at = open_page("losses", lang=lang)
        assert any(heading in h.value for h in at.header)
        assert len(at.table) == 1


def slopes(at):
    table = at.table[0].value
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1].astype(float)))


def test_moving_the_outliers_moves_the_squared_error_line_most():
    at = open_page("losses")
    names = [at.table[0].value.iloc[i, 0] for i in range(3)]  # MSE, MAE, Huber
    far = slopes(at)
    by_key(at.slider, "losses.outliers").set_value(0).run()
    clean = slopes(at)
    assert abs(far[names[0]] - clean[names[0]]) > 3 * abs(far[names[1]] - clean[names[1]])
    by_key(at.slider, "losses.outlier_y").set_value(10.0).run()
    by_key(at.slider, "losses.delta").set_value(0.5).run()
    assert at.query_params["delta"] == "0.5"


def test_confidently_wrong_race_reports_both_losses():
    at = open_page("losses")
    values = {m.label: m.value for m in at.metric}
    assert len(values) == 4
    by_key(at.slider, "losses.confidence").set_value(2.0).run()
    assert {m.label: m.value for m in at.metric} != values


def test_tampered_link_gets_notices():
    at = open_page("losses", params={"confidence": "1e309", "q": "2", "lr": "fast", "outliers": "-4"})
    text = warnings_text(at)
    for word in ("confidence", "q", "lr", "outliers"):
        assert word in text
    assert by_key(at.slider, "losses.q").value == 1.0
