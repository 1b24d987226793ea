"""Search terms for products, without `$text`: every product stores `terms`, a query asks `{"terms": {"$all": ...}}`.

Guarantee: every term `query_terms(q)` returns for a query is also in `index_terms(text)` for any text that
contains the query (as CJK characters or as latin/digit words, plural or singular), so a shopper finds what
a person expects however jieba happens to segment the name. Best match is computed from `term_weights`, also
stored on the product: a name match first, a whole word before a character of a longer word. Pure functions, no I/O.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[0-9a-z\u00c0-\u024f]+)")
_HAS_CJK = re.compile(rf"[{_CJK}]")
MAX_QUERY_TERMS = 12

_jieba = None
_jieba_lock = threading.Lock()


def _tokenizer():
    """jieba, loaded once on first use and silenced (it logs its dictionary load otherwise)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def singular(word: str) -> str:
    """A naive English singular ("teas" -> "tea", "batteries" -> "battery"); applied alike to index and query."""
    if len(word) <= 3 or not word.isalpha() or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _runs(text: str):
    for match in _RUN.finditer(_normalise(text)):
        yield ("cjk", match.group()) if match.lastgroup == "cjk" else ("word", match.group())


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _words(text: str) -> dict[str, bool]:
    """Every index term of `text` -> whether it is a whole word there (a latin word, a jieba word or a whole CJK
    run) rather than a character or bigram inside a longer word."""
    found: dict[str, bool] = {}
    for kind, run in _runs(text):
        if kind == "word":
            found[run] = found[singular(run)] = True
            continue
        words = {w for w in _tokenizer().cut_for_search(run) if _HAS_CJK.search(w)}
        for term in (*run, *_bigrams(run), *words):
            found[term] = found.get(term, False) or term in words or term == run
    return found


def index_terms(*texts: str) -> list[str]:
    """Terms to store on a product for its names, category names, attribute values and SKU codes."""
    terms: set[str] = set()
    for text in texts:
        terms.update(_words(text))
    return sorted(terms)


# What a term found in each part of a product is worth, as (whole word, part of a word). Any name match outweighs
# a category and a detail match together; within a part, a whole word outweighs a character of a longer word.
NAME_WEIGHT, CATEGORY_WEIGHT, DETAIL_WEIGHT = (10, 8), (5, 4), (2, 1)


def term_weights(*, names: list[str], categories: list[str], details: list[str]) -> dict[str, int]:
    """term -> relevance weight, stored on the product, so best match is a sum over the query's terms read from
    stored fields (`relevance`): names, then category names, then attribute values and SKU codes."""
    weights: dict[str, int] = {}
    for texts, (whole, part) in ((names, NAME_WEIGHT), (categories, CATEGORY_WEIGHT), (details, DETAIL_WEIGHT)):
        best: dict[str, int] = {}
        for text in texts:
            for term, is_word in _words(text).items():
                best[term] = max(best.get(term, 0), whole if is_word else part)
        for term, weight in best.items():
            weights[term] = weights.get(term, 0) + weight
    return weights


def product_terms(*, names: list[str], categories: list[str], details: list[str]) -> tuple[list[str], dict[str, int]]:
    """(terms, term weights) to store on a product: what finds it and how well each term matches it."""
    weights = term_weights(names=names, categories=categories, details=details)
    return sorted(weights), weights


def relevance(weights: dict[str, int], terms: list[str]) -> int:
    """How well a product with these stored weights matches the query's terms (higher first)."""
    return sum(int(weights.get(term) or 0) for term in terms)


def query_terms(q: str) -> list[str]:
    """Terms that must all be present (`$all`): CJK bigrams (or the single character), singular latin words."""
    terms: list[str] = []
    for kind, run in _runs(q):
        if kind == "word":
            candidates = [singular(run)]
        elif len(run) == 1:
            candidates = [run]
        else:
            candidates = _bigrams(run)
        for term in candidates:
            if term not in terms:
                terms.append(term)
    return terms[:MAX_QUERY_TERMS]
