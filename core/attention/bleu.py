"""Corpus BLEU, the translation pages' score."""
from __future__ import annotations

import sacrebleu  # imported at module level, not lazily in a training thread (docs/DEVELOPING.md: concurrent first imports)


def corpus_bleu(hypotheses: list[str], references: list[str]) -> float:
    """Corpus BLEU (0-100) with sacrebleu's standard settings (Post 2018, "A Call for Clarity in BLEU")."""
    return float(sacrebleu.corpus_bleu(hypotheses, [references]).score)
