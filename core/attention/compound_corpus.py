"""Long and short sentences for the bottleneck demo: clauses of the shipped English→French grammar joined
into lists ("A, B and C." → "A, B et C."), generated from a seed, with a held-out set per length bucket.

Each clause is translated by the grammar's own rules (core/attention/translation_corpus.py); "and" becomes
"et" and commas stay. So a 30-word sentence is no harder word by word than a 7-word one — only longer, which
is what the plain encoder-decoder's one fixed vector has to hold (Cho et al. 2014; Bahdanau et al. 2015, Fig. 2).
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from core.attention.corpus import ParallelCorpus
from core.attention.translation_corpus import sentence

BUCKET_EDGES = (10, 17, 24, 31)  # source tokens: ≤10, 11-17, 18-24, 25-31, 32+ (the last is open)
MAX_CLAUSES = 4


@dataclass(frozen=True)
class CompoundCorpusConfig:
    n_train: int = 4000
    n_test_per_bucket: int = 30
    seed: int = 7


def bucket_of(length: int, edges=BUCKET_EDGES) -> int:
    """Index of the length bucket a source of `length` tokens falls in."""
    return sum(length > edge for edge in edges)


def bucket_labels(edges=BUCKET_EDGES) -> list[str]:
    """"≤10", "11-17", …, "32+" for the chart's axis."""
    lows = [1] + [e + 1 for e in edges]
    return [f"≤{edges[0]}"] + [f"{lo}-{hi}" for lo, hi in zip(lows[1:], edges[1:])] + [f"{lows[-1]}+"]


def compound(rng: random.Random, clauses: int) -> tuple[list[str], list[str]]:
    """`clauses` grammar sentences joined as "A, B and C." on both sides (tokens)."""
    en: list[str] = []
    fr: list[str] = []
    for k in range(clauses):
        if k:
            joiner_en, joiner_fr = ("and", "et") if k == clauses - 1 else (",", ",")
            en.append(joiner_en)
            fr.append(joiner_fr)
        clause_en, clause_fr, _ = sentence(rng)
        en += clause_en[:-1]  # drop each clause's own full stop
        fr += clause_fr[:-1]
    return en + ["."], fr + ["."]


def generate(cfg: CompoundCorpusConfig) -> ParallelCorpus:
    """Training pairs with 1..MAX_CLAUSES clauses (equally often) and `n_test_per_bucket` unseen pairs per bucket.

    Held-out sentences never occur in training and use only words training has; buckets fill by resampling.
    """
    rng = random.Random(cfg.seed)
    seen: set[tuple[str, ...]] = set()
    train = []
    while len(train) < cfg.n_train:
        src, tgt = map(tuple, compound(rng, rng.randint(1, MAX_CLAUSES)))
        if src not in seen:
            seen.add(src)
            train.append((src, tgt))
    known = {tok for src, tgt in train for tok in src + tgt}
    buckets: list[list] = [[] for _ in range(len(BUCKET_EDGES) + 1)]
    while any(len(b) < cfg.n_test_per_bucket for b in buckets):
        src, tgt = map(tuple, compound(rng, rng.randint(1, MAX_CLAUSES)))
        bucket = buckets[bucket_of(len(src))]
        if len(bucket) < cfg.n_test_per_bucket and src not in seen and set(src + tgt) <= known:
            seen.add(src)
            bucket.append((src, tgt))
    return ParallelCorpus(f"compound:{cfg}", tuple(train), tuple(p for b in buckets for p in b))


@functools.lru_cache(maxsize=2)
def compound_corpus(cfg: CompoundCorpusConfig = CompoundCorpusConfig()) -> ParallelCorpus:
    """The corpus for `cfg`, built once per process (it is read-only and takes about a second)."""
    return generate(cfg)
