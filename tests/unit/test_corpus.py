"""The grammar's French, the shipped files, tokenisation, vocabularies, uploads with limits, and the hub fallback."""
import json

import pytest
import torch

from core.attention import translation_corpus as grammar
from core.attention.corpus import (MAX_UPLOAD_BYTES, CorpusError, length_batches, load_hub, pair_from_row, parse_upload,
                         shipped_corpus)
from core.attention.vocab import EOS_ID, PAD_ID, UNK_ID, Vocab, detokenize, tokenize


def test_tokenize_and_detokenize_round_trip():
    text = "L'oiseau n'aime pas vingt-deux chats rouges."
    tokens = tokenize(text)
    assert tokens == ["l'", "oiseau", "n'", "aime", "pas", "vingt", "-", "deux", "chats", "rouges", "."]
    assert detokenize(tokens, capitalize=True) == text
    assert tokenize("L’oiseau") == ["l'", "oiseau"]  # a curly apostrophe counts as a straight one
    assert tokenize("  ") == []


def test_vocab_encodes_decodes_and_reports_unknown_words():
    vocab = Vocab.build([["b", "a", "a"], ["c", "a"]])
    assert vocab.tokens[4:] == ("a", "b", "c")  # most frequent first, ties alphabetical
    ids = vocab.encode(["a", "zebra"], bos=True)
    assert ids[1:] == [4, UNK_ID, EOS_ID]
    assert vocab.decode([4, 5, EOS_ID, 6]) == ["a", "b"]
    assert vocab.unknown(["a", "zebra", "yak", "zebra"]) == ["zebra", "yak"]


def test_french_spelling_rules():
    assert grammar.elide(["le", "oiseau", "ne", "a", "pas", "ce", "arbre", "la", "pomme"]) == \
        ["l'", "oiseau", "n'", "a", "pas", "cet", "arbre", "la", "pomme"]
    assert grammar.number_phrase(21, feminine=True).fr == ["vingt", "et", "une"]
    assert grammar.number_phrase(21, feminine=False).fr == ["vingt", "et", "un"]
    seventeen = grammar.number_phrase(17, feminine=False)
    assert (seventeen.en, seventeen.fr, seventeen.links) == (["seventeen"], ["dix", "-", "sept"], [(0, 0), (2, 0)])


def pairs_starting(records, english):
    found = [r for r in records if r["en"].startswith(english)]
    assert found, english  # the corpus is large enough to hold each of these openings
    return found


@pytest.fixture(scope="module")
def records():
    train, test = grammar.generate()
    return train, test


def test_shipped_files_are_the_grammar_output(records):
    train, test = records
    for path, expected in ((grammar.TRAIN_FILE, train), (grammar.TEST_FILE, test)):
        with path.open(encoding="utf-8") as fh:
            assert [json.loads(line) for line in fh] == expected


def test_held_out_sentences_are_new_combinations_of_known_words(records):
    train, test = records
    assert len(train) == grammar.N_TRAIN and len(test) >= 450
    assert not {r["en"] for r in train} & {r["en"] for r in test}
    known = {tok for r in train for tok in tokenize(r["en"]) + tokenize(r["fr"])}
    assert all(set(tokenize(r["en"]) + tokenize(r["fr"])) <= known for r in test)


def test_grammar_agrees_and_reorders(records):
    everything = records[0] + records[1]
    # hand-translated openings: colour adjectives follow the noun, size adjectives stay in front, all agree
    openings = {"The pretty green frog ": "La jolie grenouille verte ",
                "My big white horse ": "Mon grand cheval blanc ",
                "The small grey cats ": "Les petits chats gris ", "My small white cow ": "Ma petite vache blanche ",
                "My big white mice ": "Mes grandes souris blanches ", "A big white bird ": "Un grand oiseau blanc ",
                "Some big green rabbits ": "De grands lapins verts ",
                "This small white rabbit ": "Ce petit lapin blanc ",
                "Twenty-one big black cows ": "Vingt et une grandes vaches noires ", "The bird ": "L'oiseau ",
                "This bear ": "Cet ours "}
    for english, french in openings.items():
        assert all(r["fr"].startswith(french) for r in pairs_starting(everything, english)), english
    # the verb agrees with its subject; negation wraps it
    for r in pairs_starting(everything, "My dogs "):
        assert tokenize(r["fr"])[2] in {"voient", "aiment", "veulent", "trouvent", "regardent", "dessinent", "ont",
                                        "ne", "n'"}
    negated = [r for r in everything if " not " in r["en"]]
    assert negated and all(" pas " in r["fr"] and ("ne " in r["fr"] or "n'" in r["fr"]) for r in negated)
    for r in everything:
        en, fr = tokenize(r["en"]), tokenize(r["fr"])
        assert all(0 <= f < len(fr) and 0 <= e < len(en) for f, e in r["align"])
        assert detokenize(en, capitalize=True) == r["en"] and detokenize(fr, capitalize=True) == r["fr"]


def test_shipped_corpus_loads_through_datasets():
    corpus = shipped_corpus()
    assert len(corpus.train) == grammar.N_TRAIN and len(corpus.align_test) == len(corpus.test)
    assert corpus.train[0][0] == tuple(tokenize(json.loads(grammar.TRAIN_FILE.open().readline())["en"]))
    assert corpus.max_len <= 20 and 80 < len(corpus.src_vocab) < 200


def test_length_batches_cover_every_pair_once_with_little_padding():
    corpus = shipped_corpus()
    batches = length_batches(corpus.train[:500], corpus.src_vocab, corpus.tgt_vocab, 64, "cpu")
    assert sorted(i for b in batches for i in b.index) == list(range(500))
    b = batches[3]
    assert b.tgt_in.shape == b.tgt_out.shape and torch.all(b.tgt_in[:, 1:] == b.tgt_out[:, :-1])
    lengths = (b.src != PAD_ID).sum(1)
    assert int(lengths.max() - lengths.min()) <= 1


def csv_bytes(n, sep=","):
    rows = [f"sentence number {i}{sep}phrase numéro {i}" for i in range(n)]
    return ("source" + sep + "target\n" + "\n".join(rows)).encode()


def test_upload_csv_and_tsv():
    corpus = parse_upload(csv_bytes(200))
    assert len(corpus.train) + len(corpus.test) == 200 and corpus.test
    assert not {s for s, _ in corpus.train} & {s for s, _ in corpus.test}
    tsv = parse_upload(csv_bytes(200, "\t"), "pairs.tsv")
    assert tsv.train == corpus.train
    quoted = parse_upload(b'"Hello, world",Bonjour le monde\n' + csv_bytes(60)[14:] + b"\n,\nonly one\n")
    assert ("hello", ",", "world") in {s for s, _ in quoted.train + quoted.test}
    assert quoted.skipped == 1  # the one-column row; the empty one is not a pair at all


@pytest.mark.parametrize("raw, code", [
    (b"a,b\n" * (MAX_UPLOAD_BYTES // 4 + 1), "too_big"), (b"\x00\x01binary", "not_text"),
    (b"caf\xe9,coffee\n", "not_utf8"), (b"\n \n", "empty"), (b"one column\nanother\n", "no_pairs"),
    (csv_bytes(10), "too_few")])
def test_upload_refusals(raw, code):
    with pytest.raises(CorpusError) as err:
        parse_upload(raw, "x.csv")
    assert err.value.code == code


def test_upload_row_limit(monkeypatch):
    monkeypatch.setattr("core.attention.corpus.MAX_PAIRS", 100)
    with pytest.raises(CorpusError) as err:
        parse_upload(csv_bytes(150))
    assert err.value.code == "too_many"


def test_hub_is_refused_offline_and_names_are_checked(monkeypatch):
    monkeypatch.setenv("NNPG_HUB_DATASETS", "1")  # the host turned the hub on; the tests' machine is offline
    with pytest.raises(CorpusError) as err:
        load_hub("Helsinki-NLP/opus_books", "en-fr")
    assert err.value.code == "hub_offline"
    with pytest.raises(CorpusError) as err:
        load_hub("../../etc/passwd")
    assert err.value.code == "hub_name"


def test_hub_rows_of_every_shape():
    assert pair_from_row({"translation": {"en": "hi", "fr": "salut"}}, "en", "fr") == ("hi", "salut")
    assert pair_from_row({"en": "hi", "fr": "salut"}, "en", "fr") == ("hi", "salut")
    assert pair_from_row({"source": "hi", "target": "salut"}, "de", "fr") == ("hi", "salut")
    assert pair_from_row({"text": "hi"}, "en", "fr") is None
