"""Word-level tokenisation and vocabularies built from a corpus (no learned sub-words: every token is readable).

Text is lower-cased and split into words, elided articles ("l'", "n'"), hyphens and punctuation, so
"L'oiseau ne voit pas vingt-deux chats." becomes ["l'", "oiseau", "ne", "voit", "pas", "vingt", "-",
"deux", "chats", "."]. `detokenize` glues the pieces back the way they were written.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)  # ids 0..3 in every vocabulary
PAD_ID, BOS_ID, EOS_ID, UNK_ID = range(4)

# an elided word with its apostrophe ("l'", "qu'"), a word (letters/digits), or one other visible character
_TOKEN = re.compile(r"[^\W\d_]+['’](?=[^\W\d_])|\w+|[^\w\s]", re.UNICODE)
_NO_SPACE_BEFORE = {".", ",", "!", "?", ";", ":", ")", "-"}


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of `text` (curly apostrophes become straight ones)."""
    return [tok.replace("’", "'") for tok in _TOKEN.findall(text.lower())]


def detokenize(tokens: Sequence[str], *, capitalize: bool = False) -> str:
    """Tokens back to text: no space before punctuation, none after an elided word or around a hyphen."""
    out = ""
    previous = ""
    for tok in tokens:
        glue = not out or tok in _NO_SPACE_BEFORE or previous.endswith("'") or previous in ("-", "(")
        out += tok if glue else " " + tok
        previous = tok
    return out[:1].upper() + out[1:] if capitalize else out


@dataclass(frozen=True)
class Vocab:
    """Token <-> id maps; ids 0-3 are the specials <pad>, <bos>, <eos>, <unk>."""

    tokens: tuple[str, ...]

    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]], min_count: int = 1, max_size: int = 5000) -> "Vocab":
        """The most frequent tokens of tokenised `sentences` (ties broken alphabetically, so builds repeat)."""
        counts = Counter(tok for sentence in sentences for tok in sentence)
        kept = sorted((tok for tok, c in counts.items() if c >= min_count and tok not in SPECIALS),
                      key=lambda tok: (-counts[tok], tok))
        return cls(SPECIALS + tuple(kept[: max(0, max_size - len(SPECIALS))]))

    def __post_init__(self):
        object.__setattr__(self, "_index", {tok: i for i, tok in enumerate(self.tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._index

    def id(self, token: str) -> int:
        return self._index.get(token, UNK_ID)

    def encode(self, tokens: Sequence[str], *, bos: bool = False, eos: bool = True) -> list[int]:
        """Ids of `tokens` (unknown ones become <unk>), optionally framed by <bos> ... <eos>."""
        ids = [self.id(tok) for tok in tokens]
        return ([BOS_ID] if bos else []) + ids + ([EOS_ID] if eos else [])

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens of `ids`, stopping at <eos> and leaving out <pad>/<bos>."""
        out = []
        for i in ids:
            i = int(i)
            if i == EOS_ID:
                break
            if i in (PAD_ID, BOS_ID):
                continue
            out.append(self.tokens[i] if 0 <= i < len(self.tokens) else UNK)
        return out

    def unknown(self, tokens: Sequence[str]) -> list[str]:
        """The distinct tokens this vocabulary does not know, in order of appearance."""
        return list(dict.fromkeys(tok for tok in tokens if tok not in self._index))
