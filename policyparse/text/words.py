"""Word boundaries by jieba, with the project's vocabulary as its user dictionary (optional).

jieba is an extra (``pip install 'policyparse[jieba]'``, included in ``[spacy]``): nothing
imports it until a segmenter is asked for, and then one :class:`jieba.Tokenizer` of its own is
built once per process (jieba's general dictionary, then every word of
:func:`policyparse.vocab.entries`), leaving jieba's global tokenizer, which other libraries
share, untouched.  Its users are the spaCy component's tokenizer and ``policyparse vocab
--jieba``; the parse itself uses no segmenter: cutting metric phrases only at jieba's word
boundaries did not improve metric names on the corpus (fewer right against the gold)
(``benchmarks/bench_jieba.py``, figures in ``docs/spacy-jieba.md``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from ..vocab import entries, userdict

if TYPE_CHECKING:
    import jieba


@cache
def segmenter() -> jieba.Tokenizer:
    """The cached jieba tokenizer that knows the project's vocabulary.

    Raises :class:`ImportError` with the install command when jieba is missing."""
    try:
        import jieba
    except ImportError:
        raise ImportError("jieba is not installed: pip install 'policyparse[jieba]'") from None
    tokenizer = jieba.Tokenizer()
    with quiet_jieba():
        tokenizer.initialize()
    for word, tag in entries():
        tokenizer.add_word(word, tag=tag)  # jieba picks the frequency that keeps the word whole
    return tokenizer


@contextmanager
def quiet_jieba() -> Iterator[None]:
    """Keep jieba from logging its dictionary loading (at DEBUG, to stderr) while inside."""
    import jieba

    level = jieba.default_logger.level
    jieba.default_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        jieba.default_logger.setLevel(level)


def cut(text: str) -> list[str]:
    """``text`` cut into words (every character kept, spaces included)."""
    return list(segmenter().cut(text, HMM=True))


def boundaries(text: str) -> frozenset[int]:
    """The offsets in ``text`` where a word starts or ends, 0 and ``len(text)`` included."""
    at, edges = 0, {0}
    for word in segmenter().cut(text, HMM=True):
        at += len(word)
        edges.add(at)
    return frozenset(edges)


def jieba_userdict() -> str:
    """The user dictionary for jieba (``word freq tag`` lines) that makes a plain jieba cut policy
    text as :func:`segmenter` does."""
    return userdict(segmenter().FREQ)
