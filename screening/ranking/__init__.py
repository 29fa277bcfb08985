"""Prioritised screening: the ranking model (``ranker``), its retraining schedule (``schedule``),
the replay of a labelled set (``simulate``) and the estimate of relevant records left
(``stopping``).

Built on the top-level rules of ``screening`` (its errors); independent of PRISMA and extraction.
"""
