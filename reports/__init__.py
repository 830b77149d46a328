"""Documents for planners, built from the results and the knowledge base: the one-page region report
(PDF, typeset with Typst) and the target helper for RPJMD/Renstra tables.

Layer: above `indexing` and below `bot`. The engine and the channels ask this package for a report's
bytes or a target plan; they never compute a figure themselves.
"""
