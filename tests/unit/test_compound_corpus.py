"""The long-and-short corpus: the same from the same seed, every length bucket filled, held-out sentences unseen,
and each sentence the grammar's clauses joined as "A, B and C." → "A, B et C."."""
import random

import pytest

from core.attention.compound_corpus import (BUCKET_EDGES, MAX_CLAUSES, CompoundCorpusConfig, bucket_labels, bucket_of,
                                            compound, generate)
from core.attention.translation_corpus import sentence

SMALL = CompoundCorpusConfig(n_train=800, n_test_per_bucket=6, seed=11)


def test_same_seed_same_corpus_other_seed_other_corpus():
    assert generate(SMALL) == generate(SMALL)
    assert generate(CompoundCorpusConfig(n_train=800, n_test_per_bucket=6, seed=12)).train != generate(SMALL).train


def test_lengths_span_every_bucket_and_each_held_out_bucket_is_full():
    data = generate(SMALL)
    buckets = [bucket_of(len(src)) for src, _ in data.train]
    assert set(buckets) == set(range(len(BUCKET_EDGES) + 1))
    assert min(len(src) for src, _ in data.train) <= 8 and max(len(src) for src, _ in data.train) >= 35
    held_out = [bucket_of(len(src)) for src, _ in data.test]
    assert held_out == sorted(held_out)  # stored bucket by bucket, as the page indexes them
    assert [held_out.count(b) for b in range(len(BUCKET_EDGES) + 1)] == [SMALL.n_test_per_bucket] * 5


def test_held_out_sentences_are_unseen_and_use_known_words():
    data = generate(SMALL)
    train_sources = {src for src, _ in data.train}
    assert not any(src in train_sources for src, _ in data.test)
    assert not data.src_vocab.unknown([tok for src, _ in data.test for tok in src])
    assert not data.tgt_vocab.unknown([tok for _, tgt in data.test for tok in tgt])


@pytest.mark.parametrize("clauses", range(1, MAX_CLAUSES + 1))
def test_a_compound_is_the_grammars_clauses_joined_by_commas_and_a_final_and(clauses):
    en, fr = compound(random.Random(5), clauses)
    parts = [sentence(rng) for rng in [random.Random(5)] for _ in range(clauses)]  # the same draws, one by one
    expected_en, expected_fr = [], []
    for k, (clause_en, clause_fr, _) in enumerate(parts):
        if k:
            expected_en.append("and" if k == clauses - 1 else ",")
            expected_fr.append("et" if k == clauses - 1 else ",")
        expected_en += clause_en[:-1]
        expected_fr += clause_fr[:-1]
    assert en == expected_en + ["."] and fr == expected_fr + ["."]
    assert en.count("and") == fr.count("et") == (clauses > 1)


def test_a_pair_checked_by_hand():
    """Colour behind the noun and agreeing (noire), "cet" before a vowel, "ne ... pas", "her" → "son" (arbre is
    masculine), "and" → "et", one full stop at the end."""
    en, fr = compound(random.Random(6), 2)
    assert " ".join(en) == "a black frog finds my black cake and this bird does not draw her yellow tree ."
    assert " ".join(fr) == ("une grenouille noire trouve mon gâteau noir et cet oiseau ne dessine pas son arbre "
                            "jaune .")


def test_buckets_and_their_labels():
    assert [bucket_of(n) for n in (1, 10, 11, 17, 18, 24, 25, 31, 32, 60)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert bucket_labels() == ["≤10", "11-17", "18-24", "25-31", "32+"]
