"""Data extraction: versioned forms and validated values (``forms``), dual extraction and
verification (``compare``), and values reshaped for export (``export``).

Built on the top-level rules of ``screening`` (its errors); independent of PRISMA and ranking.
"""
