"""Exposure: who pays a judgment or settlement, and what similar cases paid.

Stage modules, in the order the data flows:
`payers` (registry lookup) → `records_request` (how to find out when unknown) → `strategy`
(what the payer means) → `cpi` (one year's dollars) → `quantiles` → `comparables` and
`pattern` (settlements from part A's store, passed in) → `plots` → `render` (markdown/html)
→ `sections` (the `payers`, `comparables`, `pattern_evidence` keys of `monell assess`).

Pure logic: nothing here opens a database except `sections`, which is the layer that turns
the assessment's context into a store.
"""
