"""A small English→French grammar that writes the shipped parallel corpus, with word alignments.

The sentences are real and grammatical: "The small black cat does not see twenty-one red apples." →
"Le petit chat noir ne voit pas vingt et une pommes rouges." A model has to learn what a word-for-word
copy cannot: colour adjectives move behind the noun (size adjectives stay in front), articles,
possessives, adjectives and verbs agree in gender and number, "le"/"la"/"ne"/"de" elide before a vowel
("l'oiseau", "n'aime"), "this" becomes "cet" before a vowel, negation wraps the verb ("ne ... pas") and
turns "un/une/des" into "de" ("n'a pas de pomme"), "des" becomes "de" before a preceding adjective, and
numbers are spelled out (num2words) — "seventeen" is "dix-sept", "twenty-one" before a feminine noun
is "vingt et une".

Every pair carries the gold alignment (French token -> English token) the grammar knows, so a
demo can measure how well a model's attention finds it. The held-out split holds sentences whose
English side never occurs in training: new combinations of words the training split knows.

Run `python -m core.attention.translation_corpus` to (re)write assets/corpus/en_fr_{train,test}.jsonl.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from num2words import num2words

from core.attention.vocab import detokenize, tokenize

CORPUS_DIR = Path(__file__).resolve().parents[2] / "assets" / "corpus"
TRAIN_FILE = CORPUS_DIR / "en_fr_train.jsonl"
TEST_FILE = CORPUS_DIR / "en_fr_test.jsonl"
N_TRAIN, N_TEST, SEED = 6000, 500, 2024
VOWELS = set("aeiouyéèêàâîôûh")  # French elision happens before a vowel (and a mute h)


@dataclass(frozen=True)
class Noun:
    en: str
    en_plural: str
    fr: str
    fr_plural: str
    feminine: bool


@dataclass(frozen=True)
class Adjective:
    """French forms: masculine singular, feminine singular, masculine plural, feminine plural."""

    en: str
    fr: tuple[str, str, str, str]

    def form(self, feminine: bool, plural: bool) -> str:
        return self.fr[2 * plural + feminine]


@dataclass(frozen=True)
class Verb:
    en: str  # base form: "see"; the third person singular adds -s/-es
    en_3sg: str
    fr_3sg: str
    fr_3pl: str


ANIMATE = [
    Noun("cat", "cats", "chat", "chats", False), Noun("dog", "dogs", "chien", "chiens", False),
    Noun("horse", "horses", "cheval", "chevaux", False), Noun("bird", "birds", "oiseau", "oiseaux", False),
    Noun("mouse", "mice", "souris", "souris", True), Noun("cow", "cows", "vache", "vaches", True),
    Noun("duck", "ducks", "canard", "canards", False), Noun("rabbit", "rabbits", "lapin", "lapins", False),
    Noun("bear", "bears", "ours", "ours", False), Noun("frog", "frogs", "grenouille", "grenouilles", True),
]
THINGS = [
    Noun("apple", "apples", "pomme", "pommes", True), Noun("car", "cars", "voiture", "voitures", True),
    Noun("house", "houses", "maison", "maisons", True), Noun("book", "books", "livre", "livres", False),
    Noun("ball", "balls", "ballon", "ballons", False), Noun("cake", "cakes", "gâteau", "gâteaux", False),
    Noun("flower", "flowers", "fleur", "fleurs", True), Noun("table", "tables", "table", "tables", True),
    Noun("tree", "trees", "arbre", "arbres", False), Noun("chair", "chairs", "chaise", "chaises", True),
    Noun("bike", "bikes", "vélo", "vélos", False), Noun("letter", "letters", "lettre", "lettres", True),
]
SIZES = [  # French puts these before the noun, as English does
    Adjective("small", ("petit", "petite", "petits", "petites")),
    Adjective("big", ("grand", "grande", "grands", "grandes")),
    Adjective("pretty", ("joli", "jolie", "jolis", "jolies")),
]
COLOURS = [  # French puts these after the noun
    Adjective("black", ("noir", "noire", "noirs", "noires")),
    Adjective("white", ("blanc", "blanche", "blancs", "blanches")),
    Adjective("red", ("rouge", "rouge", "rouges", "rouges")),
    Adjective("green", ("vert", "verte", "verts", "vertes")),
    Adjective("blue", ("bleu", "bleue", "bleus", "bleues")),
    Adjective("grey", ("gris", "grise", "gris", "grises")),
    Adjective("yellow", ("jaune", "jaune", "jaunes", "jaunes")),
]
VERBS = [
    Verb("see", "sees", "voit", "voient"), Verb("like", "likes", "aime", "aiment"),
    Verb("want", "wants", "veut", "veulent"), Verb("find", "finds", "trouve", "trouvent"),
    Verb("watch", "watches", "regarde", "regardent"), Verb("draw", "draws", "dessine", "dessinent"),
    Verb("have", "has", "a", "ont"),
]
# English determiner -> French forms (masculine singular, feminine singular, plural); None: not in that number
DETERMINERS = {
    "the": ("le", "la", "les"), "a": ("un", "une", None), "some": (None, None, "des"),
    "my": ("mon", "ma", "mes"), "his": ("son", "sa", "ses"), "her": ("son", "sa", "ses"),
    "this": ("ce", "cette", None), "these": (None, None, "ces"),
}
NUMBERS = range(2, 30)


@dataclass
class Phrase:
    """Parallel tokens with their alignment: links are (French index, English index) within the phrase."""

    en: list[str] = field(default_factory=list)
    fr: list[str] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)

    def add(self, other: "Phrase") -> "Phrase":
        self.links += [(f + len(self.fr), e + len(self.en)) for f, e in other.links]
        self.en += other.en
        self.fr += other.fr
        return self


def word(en: str, fr: str) -> Phrase:
    """One English word translated by one French word, aligned to each other."""
    return Phrase([en], [fr], [(0, 0)])


def number_phrase(n: int, feminine: bool) -> Phrase:
    """A spelled-out number: "twenty-one" → "vingt et un(e)"; parts aligned where they correspond."""
    en = tokenize(num2words(n, lang="en"))
    fr = tokenize(num2words(n, lang="fr"))
    if feminine and fr[-1] == "un":
        fr[-1] = "une"
    if len(en) == 1:  # "seventeen" -> "dix - sept": every French piece comes from the one English word
        return Phrase(en, fr, [(i, 0) for i, tok in enumerate(fr) if tok != "-"])
    # "twenty - one" -> "vingt et un" or "vingt - deux": tens to tens, units to units
    return Phrase(en, fr, [(0, 0), (len(fr) - 1, len(en) - 1)])


def noun_phrase(rng: random.Random, nouns: list[Noun], negated: bool = False) -> tuple[Phrase, bool]:
    """Determiner or number, optional size and colour adjectives, a noun; returns it and whether plural.

    The indefinite "un/une/des" becomes "de" after a negation ("ne voit pas de chat") and "des" does before
    an adjective that precedes the noun ("de petits chats"), as written French requires.
    """
    noun = rng.choice(nouns)
    plural = rng.random() < 0.4
    size = rng.choice(SIZES) if rng.random() < 0.3 else None
    colour = rng.choice(COLOURS) if rng.random() < 0.45 else None
    phrase = Phrase()
    if plural and rng.random() < 0.3:
        phrase.add(number_phrase(rng.choice(NUMBERS), noun.feminine))
    else:
        options = [d for d, forms in DETERMINERS.items() if forms[2 if plural else int(noun.feminine)]]
        det = rng.choice(options)
        french = DETERMINERS[det][2 if plural else int(noun.feminine)]
        if french in ("un", "une", "des") and (negated or (french == "des" and size)):
            french = "de"
        phrase.add(word("any" if negated and det == "some" else det, french))  # "does not see any cats"
    if size:
        phrase.add(word(size.en, size.form(noun.feminine, plural)))
    english_noun = noun.en_plural if plural else noun.en
    french_noun = noun.fr_plural if plural else noun.fr
    if colour:  # English: colour noun; French: noun colour — the reordering the model must learn
        start_en, start_fr = len(phrase.en), len(phrase.fr)
        phrase.en += [colour.en, english_noun]
        phrase.fr += [french_noun, colour.form(noun.feminine, plural)]
        phrase.links += [(start_fr, start_en + 1), (start_fr + 1, start_en)]
    else:
        phrase.add(word(english_noun, french_noun))
    return phrase, plural


def elide(tokens: list[str]) -> list[str]:
    """French spelling rules that depend on the next word: l'oiseau, n'aime, d'ours, cet arbre."""
    out = list(tokens)
    for i, tok in enumerate(out[:-1]):
        if out[i + 1][:1] in VOWELS:
            if tok in ("le", "la"):
                out[i] = "l'"
            elif tok in ("ne", "de"):
                out[i] = tok[0] + "'"
            elif tok == "ce":
                out[i] = "cet"
    return out


def english_articles(tokens: list[str]) -> list[str]:
    """English "a" becomes "an" before a vowel sound ("an apple"); no word here starts with a silent letter."""
    return ["an" if tok == "a" and i + 1 < len(tokens) and tokens[i + 1][:1] in "aeiou" else tok
            for i, tok in enumerate(tokens)]


def sentence(rng: random.Random) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """One sentence pair as tokens, plus its alignment links (French index, English index)."""
    subject, plural = noun_phrase(rng, ANIMATE)
    negated = rng.random() < 0.3
    obj, _ = noun_phrase(rng, ANIMATE + THINGS, negated)
    verb = rng.choice(VERBS)
    french_verb = verb.fr_3pl if plural else verb.fr_3sg
    s = Phrase().add(subject)
    if negated:  # "does not see" -> "ne voit pas": only the verb pair is a word-for-word link
        e0, f0 = len(s.en), len(s.fr)
        s.en += ["do" if plural else "does", "not", verb.en]
        s.fr += ["ne", french_verb, "pas"]
        s.links += [(f0 + 1, e0 + 2), (f0 + 2, e0 + 1)]
    else:
        s.add(word(verb.en if plural else verb.en_3sg, french_verb))
    s.add(obj).add(word(".", "."))
    return english_articles(s.en), elide(s.fr), sorted(s.links)


def generate(n_train: int = N_TRAIN, n_test: int = N_TEST, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """Distinct sentence pairs split so no held-out English sentence occurs in training.

    Every held-out token also occurs in training (resampled otherwise), so the test measures new
    combinations of known words, not unknown words.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    pairs: list[dict] = []
    while len(pairs) < n_train + n_test:
        en, fr, links = sentence(rng)
        record = {"en": detokenize(en, capitalize=True), "fr": detokenize(fr, capitalize=True),
                  "align": [list(link) for link in links]}
        if record["en"] not in seen:
            seen.add(record["en"])
            pairs.append(record)
    train, test = pairs[:n_train], pairs[n_train:]
    known = {tok for r in train for tok in tokenize(r["en"]) + tokenize(r["fr"])}
    test = [r for r in test if set(tokenize(r["en"]) + tokenize(r["fr"])) <= known]
    return train, test


def write_jsonl(records: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    train, test = generate()
    write_jsonl(train, TRAIN_FILE)
    write_jsonl(test, TEST_FILE)
    print(f"wrote {len(train)} training and {len(test)} held-out pairs to {CORPUS_DIR}")


if __name__ == "__main__":
    main()
