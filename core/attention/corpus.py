"""Parallel corpora for the translation demos: the shipped English→French one, a user's CSV/TSV, or the hub.

All three end as a `ParallelCorpus` of tokenised (source, target) pairs with a held-out split whose
source sentences never occur in training. Bad input raises `CorpusError` with a code the page
translates into a message. Nothing here touches the network unless the host turned the hub on
(`NNPG_HUB_DATASETS=1`, docs/HOSTING.md), a hub name is asked for, and the Hugging Face libraries are not told
to stay offline: by default a link cannot make the server stream a data set from the internet.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import random
import re
import socket
from dataclasses import dataclass, field

import torch

from core.errors import InputError
from core.attention.translation_corpus import TEST_FILE, TRAIN_FILE
from core.attention.vocab import Vocab, tokenize

MAX_UPLOAD_BYTES = 2_000_000  # a few thousand sentence pairs fit easily; bigger files are refused
MAX_PAIRS = 20_000
MAX_TOKENS = 40  # per sentence: longer ones are left out (and counted)
MIN_PAIRS = 50  # fewer cannot teach a translator anything or fill a held-out split
HELD_OUT_SHARE = 0.1
HUB_LIMIT = 5_000  # rows read from a hub data set (streamed, never downloaded whole)
HUB_NAME = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?$")
HEADER_WORDS = {"source", "target", "src", "tgt", "input", "output", "english", "french", "sentence",
                "translation", "text"}


class CorpusError(InputError):
    """Why a corpus cannot be used; `code` picks the translated message, `detail` fills it in."""



Pair = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class ParallelCorpus:
    """Tokenised sentence pairs; `align_*` hold gold (target index, source index) links when known."""

    name: str
    train: tuple[Pair, ...]
    test: tuple[Pair, ...]
    align_train: tuple[tuple[tuple[int, int], ...], ...] | None = None
    align_test: tuple[tuple[tuple[int, int], ...], ...] | None = None
    skipped: int = 0  # rows left out (wrong shape, empty, too long, duplicate)
    src_vocab: Vocab = field(init=False, compare=False)
    tgt_vocab: Vocab = field(init=False, compare=False)
    _batches: dict = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "src_vocab", Vocab.build(src for src, _ in self.train))
        object.__setattr__(self, "tgt_vocab", Vocab.build(tgt for _, tgt in self.train))
        object.__setattr__(self, "_batches", {})

    def batches(self, split: str, batch_size: int, device, seed: int = 0, limit: int | None = None) -> list[Batch]:
        """Length-grouped batches of the "train" or "test" split, built once per setting and then reused.

        A new model (every Reset, every changed control) needs the same batches; building them tokenises
        thousands of sentences, so they are kept here. They are read-only tensors: sharing them is safe.
        """
        key = (split, batch_size, str(device), seed, limit)
        if key not in self._batches:
            pairs = (self.train if split == "train" else self.test)[:limit]
            self._batches[key] = length_batches(pairs, self.src_vocab, self.tgt_vocab, batch_size, device, seed)
        return self._batches[key]

    @property
    def max_len(self) -> int:
        """Longest sentence in tokens, either side, either split."""
        return max(len(s) for pair in self.train + self.test for s in pair)


def _pairs_from_rows(rows, *, name: str, skipped: int = 0) -> ParallelCorpus:
    """Tokenise, drop empties/over-long/duplicate sources, and split off the held-out share by hash."""
    train, test, seen = [], [], set()
    for row in rows:
        src, tgt = tokenize(row[0]), tokenize(row[1])
        key = " ".join(src)
        if not src or not tgt or len(src) > MAX_TOKENS or len(tgt) > MAX_TOKENS or key in seen:
            skipped += 1
            continue
        seen.add(key)
        held_out = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) / 16**8 < HELD_OUT_SHARE
        (test if held_out else train).append((tuple(src), tuple(tgt)))
    if len(train) + len(test) < MIN_PAIRS:
        raise CorpusError("too_few", n=len(train) + len(test), minimum=MIN_PAIRS)
    if not test:  # tiny corpora: hold out the last pair rather than nothing
        test.append(train.pop())
    return ParallelCorpus(name, tuple(train), tuple(test), skipped=skipped)


@functools.cache
def shipped_corpus() -> ParallelCorpus:
    """The generated English→French corpus, read through Hugging Face `datasets` (a local JSON build).

    No network: `load_dataset` would otherwise "count a download" of its json builder on a web server.
    """
    import datasets

    datasets.disable_progress_bars()
    datasets.config.HF_UPDATE_DOWNLOAD_COUNTS = False
    data = datasets.load_dataset("json", data_files={"train": str(TRAIN_FILE), "test": str(TEST_FILE)})

    def pairs(split):
        return tuple((tuple(tokenize(en)), tuple(tokenize(fr))) for en, fr in zip(split["en"], split["fr"]))

    def links(split):
        return tuple(tuple(tuple(link) for link in align) for align in split["align"])

    return ParallelCorpus("shipped", pairs(data["train"]), pairs(data["test"]),
                          links(data["train"]), links(data["test"]))


def parse_upload(raw: bytes, filename: str = "") -> ParallelCorpus:
    """A user's parallel corpus: CSV or TSV, one `source,target` pair per row, an optional header row."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise CorpusError("too_big", mb=f"{MAX_UPLOAD_BYTES / 1e6:.0f}")
    if b"\x00" in raw[:4096]:
        raise CorpusError("not_text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError("not_utf8") from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise CorpusError("empty")
    first = next(line for line in lines if line.strip())
    delimiter = "\t" if filename.lower().endswith(".tsv") or "\t" in first else ","
    rows, skipped = [], 0
    for i, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        cells = [c.strip() for c in cells]
        if len(rows) >= MAX_PAIRS:
            raise CorpusError("too_many", n=MAX_PAIRS)
        if i == 0 and len(cells) == 2 and all(c.lower() in HEADER_WORDS or len(c) in (2, 3) and c.isalpha()
                                              for c in cells):
            continue  # a header such as "source,target" or "en,fr"
        if len(cells) != 2 or not cells[0] or not cells[1]:
            skipped += bool(any(cells))
            continue
        rows.append(cells)
    if not rows:
        raise CorpusError("no_pairs", delimiter="TAB" if delimiter == "\t" else ",")
    return _pairs_from_rows(rows, name=f"upload:{hashlib.sha1(raw).hexdigest()[:12]}", skipped=skipped)


def hub_enabled() -> bool:
    """Whether the host allows hub data sets (env `NNPG_HUB_DATASETS`); off unless turned on."""
    return os.environ.get("NNPG_HUB_DATASETS", "").strip().lower() in ("1", "true", "yes", "on")


def hub_offline() -> bool:
    """Whether the Hugging Face libraries are told to stay offline (tests and air-gapped hosts)."""
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"))


def hub_reachable(timeout_s: float = 2.0) -> bool:
    """A quick connection check, so an unreachable hub fails in seconds instead of hanging on retries."""
    if hub_offline():
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def pair_from_row(row: dict, src_lang: str, tgt_lang: str) -> tuple[str, str] | None:
    """A (source, target) pair from one hub row: {"translation": {src: .., tgt: ..}}, {src:, tgt:} or
    {"source":, "target":}; None when the row has none of these shapes."""
    for table in (row.get("translation"), row):
        if isinstance(table, dict):
            for a, b in ((src_lang, tgt_lang), ("source", "target"), ("src", "tgt")):
                if isinstance(table.get(a), str) and isinstance(table.get(b), str):
                    return table[a], table[b]
    return None


def load_hub(name: str, config: str = "", src_lang: str = "en", tgt_lang: str = "fr",
             limit: int = HUB_LIMIT) -> ParallelCorpus:
    """The first `limit` rows of a named hub data set's train split, streamed (never a full download)."""
    if not hub_enabled():
        raise CorpusError("hub_disabled")
    name, config = name.strip(), config.strip()
    if not HUB_NAME.match(name) or (config and not HUB_NAME.match(config)):
        raise CorpusError("hub_name", name=name[:60])
    if not hub_reachable():
        raise CorpusError("hub_offline", name=name)
    try:
        import datasets

        stream = datasets.load_dataset(name, config or None, split="train", streaming=True)
        rows = []
        for i, row in enumerate(stream):
            if i >= limit:
                break
            pair = pair_from_row(row, src_lang, tgt_lang)
            if pair is not None:
                rows.append(pair)
    except Exception as err:  # the hub's failures are many (missing, gated, network): all mean "use another"
        raise CorpusError("hub_failed", name=name, reason=type(err).__name__) from None
    if not rows:
        raise CorpusError("hub_no_pairs", name=name, src=src_lang, tgt=tgt_lang)
    return _pairs_from_rows(rows, name=f"hub:{name}:{config}:{src_lang}-{tgt_lang}")


@dataclass(frozen=True)
class Batch:
    """Padded id tensors: src (B, S) with <eos>; tgt_in (B, T) = <bos> y; tgt_out (B, T) = y <eos>."""

    src: torch.Tensor
    tgt_in: torch.Tensor
    tgt_out: torch.Tensor
    index: tuple[int, ...]  # positions of these pairs in the split they came from

    @property
    def target_tokens(self) -> int:
        return int((self.tgt_out != 0).sum())


def pad_ids(rows: list[list[int]], device) -> torch.Tensor:
    """Right-pad id lists with <pad> (id 0) into one (B, L) int64 tensor."""
    out = torch.zeros(len(rows), max(len(r) for r in rows), dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out.to(device)


def length_batches(pairs, src_vocab: Vocab, tgt_vocab: Vocab, batch_size: int, device,
                   seed: int = 0) -> list[Batch]:
    """Batches of sentences of similar length (little padding), built once and reused every epoch.

    Sorting by length with a random tie-break (seeded) keeps the batches mixed in content; the trainer
    shuffles their order every epoch.
    """
    rng = random.Random(seed)
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][0]), len(pairs[i][1]), rng.random()))
    batches = []
    for start in range(0, len(order), batch_size):
        index = order[start: start + batch_size]
        src = [src_vocab.encode(pairs[i][0]) for i in index]
        tgt = [tgt_vocab.encode(pairs[i][1], bos=True) for i in index]
        batches.append(Batch(pad_ids(src, device), pad_ids([t[:-1] for t in tgt], device),
                             pad_ids([t[1:] for t in tgt], device), tuple(index)))
    return batches
