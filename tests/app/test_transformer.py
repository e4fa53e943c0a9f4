"""The Transformer page as a learner uses it: training ticks, held-out scores, own sentences, uploads, bad links."""
import pytest

from tests.app.harness import by_key, open_page, press, train, warnings_text


def trainer(at):
    return at.session_state["transformer.run"].trainer


def errors(at):
    return "\n".join(e.value for e in at.error)


def texts(at):
    return "\n".join(m.value for m in [*at.markdown, *at.info, *at.caption])


@pytest.mark.parametrize("lang, heading", [("en", "Training data"), ("zh", "训练数据")])
def test_default_page_in_both_languages(lang, heading):
    at = open_page("transformer", lang=lang)
    assert at.subheader[0].value == heading
    assert not at.error and not warnings_text(at)
    cfg = trainer(at).model.cfg
    assert (cfg.layers, cfg.heads, cfg.d_model, cfg.dropout) == (2, 4, 64, 0.0)
    assert len(at.get("plotly_chart")) >= 4  # two cross-attention layers, two positional-encoding plots


def test_training_ticks_then_held_out_scores_and_samples_show():
    at = open_page("transformer")
    train(at, "transformer", ticks=3)
    tr = trainer(at)
    assert tr.steps_done > 0 and tr.history["loss"]
    tr.evaluate(tr.steps_done)  # the page shows the first evaluation as soon as one exists
    at.run()
    assert "exact match" in texts(at) and len(at.dataframe) == 1
    assert len(at.dataframe[0].value) == tr.cfg.samples


def test_controls_rebuild_the_model_and_decoding_options_work():
    at = open_page("transformer")
    by_key(at.slider, "transformer.layers").set_value(1).run()
    by_key(at.selectbox, "transformer.heads").set_value(2).run()
    by_key(at.selectbox, "transformer.width").set_value(32).run()
    cfg = trainer(at).model.cfg
    assert (cfg.layers, cfg.heads, cfg.d_model) == (1, 2, 32)
    by_key(at.button_group, "transformer.decode").set_value("beam").run()
    by_key(at.button_group, "transformer.kind").set_value("encoder").run()
    assert not at.error and "Translation" in texts(at)
    assert at.query_params["layers"] == "1" and at.query_params["decode"] == "beam"


def test_unknown_words_and_empty_sentence():
    at = open_page("transformer")
    by_key(at.text_input, "transformer.sentence").input("The zebra sees my dog.").run()
    assert "zebra" in warnings_text(at) and "Translation" in texts(at)
    by_key(at.text_input, "transformer.sentence").input("").run()
    assert "Type an English sentence" in texts(at)


def test_uploaded_corpus_trains_and_a_bad_one_falls_back():
    at = open_page("transformer")
    by_key(at.button_group, "transformer.corpus").set_value("upload").run()
    rows = "\n".join(f"number {i} please\tnuméro {i} s'il vous plaît" for i in range(120))
    by_key(at.file_uploader, "transformer.upload").set_value(("pairs.tsv", rows.encode(), "text/tab-separated-values"))
    at.run()
    assert not at.error and trainer(at).corpus.name.startswith("upload:")
    train(at, "transformer", ticks=2)
    assert trainer(at).steps_done > 0
    by_key(at.file_uploader, "transformer.upload").set_value(("bad.csv", b"\x00\x01\x02", "text/csv"))
    at.run()
    assert "not text" in errors(at) and trainer(at).corpus.name == "shipped"


def test_hub_offline_says_so_and_uses_the_shipped_corpus(monkeypatch):
    monkeypatch.setenv("NNPG_HUB_DATASETS", "1")  # the host turned the hub on; the tests' machine is offline
    at = open_page("transformer", params={"corpus": "hub"})
    assert "cannot be reached" in errors(at) and "shipped" in texts(at)
    by_key(at.text_input, "transformer.hub").input("not a name!").run()
    assert "not a valid data-set name" in errors(at)
    assert trainer(at).corpus.name == "shipped"


def test_tampered_link_gets_notices():
    at = open_page("transformer", params={"layers": "99", "heads": "3", "width": "abc", "warmup": "-5",
                                          "corpus": "ftp", "beam": "1000", "hack": "1"})
    text = warnings_text(at)
    for word in ("layers", "heads", "width", "warmup", "corpus", "beam", "hack"):
        assert word in text
    assert trainer(at).model.cfg.layers == 4 and trainer(at).model.cfg.heads == 4


def test_live_curves_are_pictures_and_paused_curves_interactive_charts():
    at = open_page("transformer")
    charts_before = len(at.get("plotly_chart"))
    train(at, "transformer", ticks=2)
    tr = trainer(at)
    tr.evaluate(tr.steps_done)
    at.run()
    assert len(at.image) == 3 and len(at.get("plotly_chart")) == charts_before  # loss, accuracy, BLEU
    captions = "\n".join(c.value for c in at.caption)
    assert ":blue[━━] next-token accuracy (training batches)" in captions
    assert ":orange[━━] exact match (held-out)" in captions and "loss (log scale)" in captions
    assert "pause for the interactive charts" in captions
    press(at, "transformer.run.pause")
    assert len(at.get("plotly_chart")) == charts_before + 3 and not at.image
