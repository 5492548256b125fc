"""Presidio's lemma context enhancer, in linear time.

Stock `LemmaContextAwareEnhancer` finds each result's token by scanning every token, and tests each
context lemma against a list of all keywords of the text: both are O(text) per result, so a long
prompt with many results costs O(n²). This subclass gives the same answers (same lemmas, same
matching) from a bisect over token ends and a set of keywords built once per text, with two
differences, both so that pack context words work as written:

- a context word a detector names counts even where spaCy calls it a stop word ("call me on ...":
  spaCy's English stop words include "call", so stock Presidio can never use it as context);
- the window also looks `SUFFIX_WORDS` words after the match ("723 813 266 office");
- a context word in the `GLUED_CHARS` characters before the match counts even where spaCy made it
  one token with the value ('{"cnic":"43732-8483832-5"}').

Results of detectors without context words skip the enhancer (stock deep-copies them all first).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

_INDEX = "_privproxy_context_index"
SUFFIX_WORDS = 2
GLUED_CHARS = 24  # how far before a match a context word glued to it by punctuation is looked for
_WORD = re.compile(r"[^\W_]+")


class LinearContextEnhancer(LemmaContextAwareEnhancer):
    def __init__(self) -> None:
        super().__init__(context_suffix_count=SUFFIX_WORDS)
        self._context_words: frozenset[str] = frozenset()
        # (ids of the detectors seen, ids of those with context words, their context words)
        self._known: tuple[tuple[str, ...], frozenset[str], frozenset[str]] = ((), frozenset(), frozenset())

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[Any],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[Any],
        context: list[str] | None = None,
    ) -> list[Any]:
        # Stock deep-copies every result before it looks at any; only results of detectors that
        # have context words can change, so only those go through it (the rest are returned as is).
        with_context = self._with_context(recognizers)
        wants: list[Any] = []
        rest: list[Any] = []
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            (
                wants if metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY) in with_context else rest
            ).append(result)
        if not wants:
            return rest
        return rest + super().enhance_using_context(text, wants, nlp_artifacts, recognizers, context)

    def _with_context(self, recognizers: list[Any]) -> frozenset[str]:
        """Ids of the detectors that have context words; their words become `_context_words`.

        The registry hands over the same detectors on every request: worked out once per set, and
        published as one tuple so that concurrent requests never see half of it.
        """
        key = tuple(recognizer.id for recognizer in recognizers)
        known = self._known
        if known[0] != key:
            with_context = [recognizer for recognizer in recognizers if getattr(recognizer, "context", None)]
            words = frozenset(word.lower() for recognizer in with_context for word in recognizer.context)
            known = (key, frozenset(recognizer.id for recognizer in with_context), words)
            self._known = known
        self._context_words = known[2]
        return known[1]

    def _extract_surrounding_words(self, nlp_artifacts: NlpArtifacts, word: str, start: int) -> list[str]:
        if not nlp_artifacts.tokens:
            return [""]
        index: Any = getattr(nlp_artifacts, _INDEX, None)
        if index is None:
            doc = nlp_artifacts.tokens
            if hasattr(doc, "to_array"):  # a spaCy Doc: offsets and lengths as one numpy call
                columns = doc.to_array(["IDX", "LENGTH"])
                ends = (columns[:, 0] + columns[:, 1]).tolist() if len(columns) else []
            else:
                ends = [i + len(t) for i, t in zip(nlp_artifacts.tokens_indices, doc, strict=False)]
            # the text once per analysis: a spaCy Doc joins its tokens again on every `.text`
            text = getattr(doc, "text", "")
            index = (ends, frozenset(nlp_artifacts.keywords) | self._context_words, text)
            setattr(nlp_artifacts, _INDEX, index)
        ends, keywords, text = index
        token = bisect_right(ends, start)  # the first token that ends after `start`, as stock finds it
        if token >= len(ends):
            raise ValueError("a result lies outside the analysed text's tokens")
        backward = self._add_n_words_backward(
            token, self.context_prefix_count, nlp_artifacts.lemmas, keywords
        )
        last = bisect_right(ends, start + max(len(word), 1) - 1)  # words after the match, not inside it
        forward = self._add_n_words_forward(
            min(last, len(ends) - 1), self.context_suffix_count, nlp_artifacts.lemmas, keywords
        )
        # A label glued to its value by punctuation is one token to spaCy ('{"cnic":"43732-…'): the
        # context words written right before the match count as well.
        glued = [
            word
            for word in _WORD.findall(text[max(0, start - GLUED_CHARS) : start].lower())
            if word in self._context_words
        ]
        return list(set(backward + forward + glued))
