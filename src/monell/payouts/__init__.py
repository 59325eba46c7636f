"""Police-misconduct settlements: import city files, categorise allegations, summarise.

The pipeline, one module per stage:

    CSV file → `columns` (which source column is which field; mapping files)
             → `parse` (amounts, dates, years, blanks, each with file:line errors)
             → `categories` (allegation text → conduct codes, rules kept as data)
             → `importer` (streams rows into the database, idempotent by row hash)
             → `store` (typed `SettlementRecord` queries for comparables and pattern evidence)
             → `summary` (per-city figures, always with the publishers' caveat)

The data is FiveThirtyEight / The Marshall Project's (data/settlements/SOURCES.md). Its
publishers warn that it is not comparable across cities and only cautiously across years; every
output of this package carries `caveat.CAVEAT`.
"""
