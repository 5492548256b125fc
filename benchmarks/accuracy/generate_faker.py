"""Generate the synthetic accuracy corpus with presidio-evaluator's PresidioSentenceFaker (fixed seed).

Run once, outside privproxy's venv (presidio-evaluator pulls in transformers, pandas, ...):

    python -m venv /tmp/evalvenv
    /tmp/evalvenv/bin/pip install presidio-evaluator==0.3.2 --no-deps
    /tmp/evalvenv/bin/pip install faker numpy pandas tqdm requests python-dotenv spacy xmltodict \
        presidio-analyzer presidio-anonymizer
    /tmp/evalvenv/bin/python benchmarks/accuracy/generate_faker.py

It writes benchmarks/accuracy/faker_2000.jsonl (committed): {"text": ..., "spans": [[start, end, type]]}.
"""

from __future__ import annotations

import json
from pathlib import Path

from presidio_evaluator.data_generator import PresidioSentenceFaker

SEED = 42
COUNT = 2000


def main() -> None:
    faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.05, random_seed=SEED)
    sentences = faker.generate_new_fake_sentences(COUNT)
    out = Path(__file__).with_name("faker_2000.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        for sentence in sentences:
            spans = sorted([s.start_position, s.end_position, s.entity_type] for s in sentence.spans)
            handle.write(json.dumps({"text": sentence.full_text, "spans": spans}, ensure_ascii=False) + "\n")
    print(f"wrote {len(sentences)} sentences to {out}")


if __name__ == "__main__":
    main()
