"""Case-law corpus: the opinion store and the pipelines that fill it.

Data flow, one module per stage:
  sources (`jsonl` sample records, `bulkcsv` CourtListener bulk files, `courtlistener_api`)
    → rows (`records`: typed rows keyed on CourtListener ids)
    → `writer` (idempotent upserts) → `store` (read API used by search and verification)
  opinion text → `graph` (eyecite extraction, resolution against the corpus, edges).
"""
