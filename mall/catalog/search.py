"""Search terms for products, without `$text`: every product stores `terms`, a query asks `{"terms": {"$all": ...}}`.

Guarantee: every term `query_terms(q)` returns for a query is also in `index_terms(text)` for any text that
contains the query (as CJK characters or as latin/digit words, plural or singular), so a shopper finds what
a person expects however jieba happens to segment the name. Pure functions, no I/O.
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


def index_terms(*texts: str) -> list[str]:
    """Terms to store on a product for its names, category names, attribute values and SKU codes."""
    terms: set[str] = set()
    for text in texts:
        if not text:
            continue
        for kind, run in _runs(text):
            if kind == "word":
                terms.update((run, singular(run)))
                continue
            terms.update(run)
            terms.update(_bigrams(run))
            terms.update(w for w in _tokenizer().cut_for_search(run) if _HAS_CJK.search(w))
    return sorted(terms)


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
