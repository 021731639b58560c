"""Reading an answer the way the rubric grader needs it: sentences with their offsets, whether a
sentence is a real sentence or a keyword list, and whether it contradicts a key point.

Everything here is deterministic string processing; no model is involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Sentence:
    """A sentence of the answer: `answer[start:end] == text`, so evidence is always a literal quote."""

    text: str
    start: int
    end: int


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words: real sentences are full of them, keyword lists and word salad are not.
STOPWORDS: frozenset[str] = _word_set(
    """
    a an the and or but if then else so because as of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further once here there when where why how all any both each few more most other some such
    only own same than too very can will just should now is are was were be been being have has
    had having do does did doing would could might must may shall it its it's this that these
    those i me my we our you your he him his she her they them their what which who whom whose
    while whereas although though also not no nor never none nothing yet even still however
    therefore thus which one ones every many much lot lots really quite rather instead like well
    get gets got make makes made use uses used using s t don't doesn't isn't aren't wasn't
    weren't can't won't i'd i'm i've we'd we're it'll there's that's let's via per
    """
)

# Auxiliaries and fillers skipped when looking for the word a negation applies to: in "does not
# really need to be merged" the negated word is "merged"; in "does not make them zero", "make".
_SCOPE_SKIP: frozenset[str] = _word_set(
    """
    a an the be been being is are was were am have has had do does did to need needs needed
    necessarily really actually always ever just even also simply very so that this these those
    any all much quite
    """
)

STRONG_NEGATIONS: frozenset[str] = _word_set("not no never none nothing cannot neither nor nobody nowhere")
# Words that negate softly ("without making them zero", "rarely become zero"). They protect a
# key point's own negations from false alarms but never count as a contradiction by themselves.
WEAK_NEGATIONS: frozenset[str] = _word_set("without rarely seldom hardly barely lacks lacking")

# Pairs of opposites, general and from the interview domain. A sentence using one side where the
# key point uses the other (and not both) states the opposite of the key point.
_OPPOSITES: tuple[tuple[str, str], ...] = (
    ("high higher highest", "low lower lowest"),
    (
        "increase increases increased increasing raise raises",
        "decrease decreases decreased decreasing reduce reduces reduced",
    ),
    ("more", "less fewer"),
    ("larger bigger", "smaller simpler simplify"),
    ("add adding", "remove removing"),
    ("faster", "slower"),
    ("always", "never"),
    ("before", "after"),
    ("overfitting overfit overfits", "underfitting underfit underfits"),
    ("bias", "variance"),
    ("l1 lasso", "l2 ridge"),
    ("absolute", "squared squares"),
    ("sparse", "dense"),
    ("parallel", "sequential sequentially serially"),
    ("frozen freeze freezes", "updated update updates"),
    ("true", "false"),
    ("correct correctly", "incorrect incorrectly wrong"),
    ("linear", "quadratic logarithmic"),
)

_WORD_RE = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
_TOKEN_RE = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z]+)?|[,;:.!?()]")
_CLAUSE_BREAK_WORDS: frozenset[str] = _word_set("but while whereas although though however because so")
_BULLET_RE = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"')\]]*\s+")
_ABBREVIATIONS: frozenset[str] = _word_set("e.g i.e etc vs cf approx dr mr mrs ms fig no eq al p.s")
_LIST_SEPARATORS_RE = re.compile(r"[,;/|]|\band\b|\bor\b")

_SEMICOLON_SPLIT_MIN_WORDS = 12


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper, enough to match 'merged'/'merge' or 'streams'/'streaming'."""
    word = word.lower().removesuffix("'s")
    for suffix in (
        "ational",
        "ations",
        "ation",
        "ingly",
        "ings",
        "ing",
        "edly",
        "ed",
        "ies",
        "es",
        "s",
        "ly",
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and not _is_negation(w)}


def split_sentences(answer: str) -> list[Sentence]:
    """Sentences with their offsets: split on line breaks and bullets, sentence-ending punctuation,
    and semicolons inside long sentences."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", answer):
        start = line.start()
        bullet = _BULLET_RE.match(line.group())
        if bullet:
            start += bullet.end()
        for piece_start, piece_end in _sentence_spans(answer, start, line.end()):
            for sub_start, sub_end in _semicolon_spans(answer, piece_start, piece_end):
                text = answer[sub_start:sub_end]
                stripped = text.strip()
                if not stripped:
                    continue
                lead = len(text) - len(text.lstrip())
                sentences.append(Sentence(stripped, sub_start + lead, sub_start + lead + len(stripped)))
    return sentences


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END_RE.finditer(text, start, end):
        before = text[cursor : match.start()].split()
        last_word = before[-1].lower().rstrip(".") if before else ""
        # "e.g. this" or "J. Smith" are not sentence ends.
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        boundary = match.end()
        spans.append((cursor, boundary))
        cursor = boundary
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _semicolon_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    if ";" not in piece or len(words(piece)) <= _SEMICOLON_SPLIT_MIN_WORDS:
        return [(start, end)]
    spans: list[tuple[int, int]] = []
    cursor = start
    for offset in [m.start() for m in re.finditer(";", piece)]:
        cut = start + offset + 1
        left = text[cursor:cut]
        right = text[cut:end]
        if len(words(left)) >= 3 and len(words(right)) >= 3:
            spans.append((cursor, cut))
            cursor = cut
    spans.append((cursor, end))
    return spans


def sentence_quality(text: str) -> tuple[float, str | None]:
    """1.0 for a real sentence; less for fragments, keyword lists and word salad, with the reason.

    Length earns nothing here: a long fluent sentence is 1.0, the same as a short one.
    """
    tokens = words(text)
    if len(tokens) < 3:
        return 0.0, "fragment"
    function_share = sum(1 for w in tokens if w in STOPWORDS) / len(tokens)
    items = [item for item in _LIST_SEPARATORS_RE.split(text.lower()) if words(item)]
    mean_item_words = sum(len(words(item)) for item in items) / max(len(items), 1)
    if len(items) >= 4 and mean_item_words <= 2.5 and function_share < 0.25:
        return 0.0, "keyword_list"
    if len(tokens) >= 6 and function_share < 0.08:
        return 0.0, "word_salad"
    if len(tokens) >= 6 and function_share < 0.15:
        return 0.5, "telegraphic"
    return 1.0, None


def _is_negation(word: str) -> bool:
    return word in STRONG_NEGATIONS or word.endswith("n't")


@dataclass(frozen=True)
class _Reading:
    """Content stems of a text, split into what it asserts and what it negates, per clause."""

    clauses: tuple[frozenset[str], ...]
    clause_scope: tuple[frozenset[str], ...]  # per clause: stems a strong negation applies to
    clause_negated: tuple[bool, ...]  # per clause: any negation, strong or weak
    negated: frozenset[str]  # stems only ever seen under a strong negation
    asserted: frozenset[str]  # stems only ever seen outside any negation
    tokens: tuple[str, ...]  # lower-case words in order, punctuation dropped


@lru_cache(maxsize=16384)
def _read(text: str) -> _Reading:
    tokens = _TOKEN_RE.findall(text.lower())
    clauses: list[set[str]] = [set()]
    scopes: list[set[str]] = [set()]
    clause_negated = [False]
    negated: set[str] = set()
    softly: set[str] = set()
    plain: set[str] = set()
    pending: str | None = None  # "strong" or "weak": a negation waiting for the word it applies to
    for i, word in enumerate(tokens):
        if word in {",", ";", ":", ".", "!", "?", "(", ")"} or word in _CLAUSE_BREAK_WORDS:
            pending = None
            clauses.append(set())
            scopes.append(set())
            clause_negated.append(False)
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _is_negation(word) and not (word == "not" and following in {"only", "just"}):
            pending = "strong"
            clause_negated[-1] = True
            continue
        if word in WEAK_NEGATIONS:
            pending = "weak"
            clause_negated[-1] = True
            continue
        if pending and word in _SCOPE_SKIP:
            continue
        if word in STOPWORDS:
            # A function word can be what is negated ("does not make ...") but is never content.
            if pending == "strong":
                negated.add(stem(word))
                scopes[-1].add(stem(word))
            pending = None
            continue
        stemmed = stem(word)
        clauses[-1].add(stemmed)
        if pending == "strong":
            negated.add(stemmed)
            scopes[-1].add(stemmed)
        elif pending == "weak":
            softly.add(stemmed)
        else:
            plain.add(stemmed)
        pending = None
    kept = [
        (frozenset(c), frozenset(sc), n)
        for c, sc, n in zip(clauses, scopes, clause_negated, strict=True)
        if c or n
    ]
    return _Reading(
        clauses=tuple(c for c, _, _ in kept),
        clause_scope=tuple(sc for _, sc, _ in kept),
        clause_negated=tuple(n for _, _, n in kept),
        negated=frozenset(negated - plain - softly),
        asserted=frozenset(plain - negated - softly),
        tokens=tuple(t for t in tokens if t[0].isalnum()),
    )


def contradiction(key_point: str, sentence: str) -> str | None:
    """Why `sentence` states the opposite of `key_point`, or None when it does not.

    Conservative rules, asked only about sentences already close to the key point in meaning:
    1. the sentence negates a word the key point asserts;
    2. the clause of the sentence that talks about the key point is negated and the clause of the
       key point it lines up with is not;
    3. the sentence uses one side of a pair of opposites (high/low, bias/variance, L1/L2, ...)
       where the key point uses the other;
    4. the sentence swaps two pairs ("L1 uses the squares, L2 the absolute values").
    """
    kp = _read(key_point)
    answer = _read(sentence)
    # Only the answer's negations are checked: key points are written as positive statements, and
    # an answer that asserts what a key point negates is rare and hard to tell from a condition
    # ("if a key's hash changed, the dict could not find it").
    if answer.negated & kp.asserted or _negated_clause_disagrees(answer, kp):
        return "negation"
    answer_words, kp_words = set(answer.tokens), set(kp.tokens)
    for side_a, side_b in _OPPOSITE_WORDS:
        if _uses_one_side(answer_words, kp_words, side_a, side_b) or _uses_one_side(
            answer_words, kp_words, side_b, side_a
        ):
            return "opposite"
    if _swapped(answer, kp):
        return "swapped"
    return None


_OPPOSITE_WORDS: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split())) for a, b in _OPPOSITES
)


def _uses_one_side(answer: set[str], kp: set[str], mine: frozenset[str], theirs: frozenset[str]) -> bool:
    return bool(answer & mine and not answer & theirs and kp & theirs and not kp & mine)


def _negated_clause_disagrees(negated_side: _Reading, other: _Reading) -> bool:
    """A negated clause that is on topic (shares the most content, at least two words, with the other
    text) and negates something it does not also assert ("no cycle ..., a cycle ..."), while the
    clause of the other text closest to it is not negated."""
    other_stems = set().union(*other.clauses) if other.clauses else set()
    overlaps = [len(clause & other_stems) for clause in negated_side.clauses]
    if not overlaps or max(overlaps) < 2:
        return False
    best = max(overlaps)
    both = set().union(*negated_side.clauses) - negated_side.negated - negated_side.asserted
    # Words the other text also says under a negation ("not to blame" / "without blaming").
    negated_there = set().union(*(c for c, n in zip(other.clauses, other.clause_negated, strict=True) if n))
    for clause, scope, overlap in zip(negated_side.clauses, negated_side.clause_scope, overlaps, strict=True):
        if not scope or overlap != best or scope & (both | negated_there) or scope <= negated_side.asserted:
            continue
        aligned = [len(clause & other_clause) for other_clause in other.clauses]
        top = max(aligned, default=0)
        if top >= 1 and not any(
            negated for n, negated in zip(aligned, other.clause_negated, strict=True) if n == top
        ):
            return True
    return False


_SWAP_WINDOW = 12


def _pairing(
    tokens: tuple[str, ...],
    first: tuple[frozenset[str], frozenset[str]],
    second: tuple[frozenset[str], frozenset[str]],
) -> dict[int, int]:
    """For each side of `first` used in the text, the side of `second` that follows it most closely."""
    pairs: dict[int, int] = {}
    for i, token in enumerate(tokens):
        side = 0 if token in first[0] else 1 if token in first[1] else None
        if side is None or side in pairs:
            continue
        for following in tokens[i + 1 : i + 1 + _SWAP_WINDOW]:
            if following in first[0] or following in first[1]:
                break
            if following in second[0] or following in second[1]:
                pairs[side] = 0 if following in second[0] else 1
                break
    return pairs


def _swapped(answer: _Reading, kp: _Reading) -> bool:
    """Both texts name both sides of two pairs, but pair them up the other way round."""
    answer_words, kp_words = set(answer.tokens), set(kp.tokens)
    present = [
        pair
        for pair in _OPPOSITE_WORDS
        if all(words & side for words in (answer_words, kp_words) for side in pair)
    ]
    for first in present:
        for second in present:
            if first is second:
                continue
            kp_pairs, answer_pairs = (
                _pairing(kp.tokens, first, second),
                _pairing(answer.tokens, first, second),
            )
            if any(side in kp_pairs and kp_pairs[side] != value for side, value in answer_pairs.items()):
                return True
    return False


_SPECIFIC_RE = re.compile(
    r"\d|`|\be\.g\.|\bfor example\b|\bfor instance\b|\bsuch as\b|\bsay\b|[A-Za-z]+_[A-Za-z]+|\w\(\)"
)


def specifics(text: str) -> int:
    """How many concrete details a text carries: numbers, examples, code, named things."""
    count = len(_SPECIFIC_RE.findall(text))
    # Capitalised words that do not start a sentence: names of tools, papers, methods.
    count += len(re.findall(r"(?<=[a-z,;:] )[A-Z][A-Za-z0-9]+", text))
    return count
