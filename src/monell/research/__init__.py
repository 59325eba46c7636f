"""Precedent research: which opinions bind an incident, what they decided about qualified
immunity, and which are closest on the facts.

Pipeline, one module per stage:
  documents (opinions from the store or a sample file, as `ResearchDocument`)
    → sentences (sentences and passages of opinion text)
    → qi (qualified-immunity signals by named rules) / qi_eval (precision and recall)
    → authority (binding or persuasive for an incident: court hierarchy from courts-db)
    → embedding (sentence embeddings from a model shipped inside a PyPI package)
    → index (tantivy BM25 + embedding matrix, court/date filters inside both)
    → search (hybrid ranking, passages) → precedents (per-claim results for an incident)
    → section (the `precedents` section of `monell assess`).
"""
