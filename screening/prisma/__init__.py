"""PRISMA 2020 reporting: counts from the review's events, their identities, the CSV and the SVG.

``model`` (value types) <- ``checks`` (identities D1-D17) <- ``counts`` (``compute_prisma``);
``csv`` fills and reads the PRISMA2020 package's template (``template.csv``, shipped data);
``labels`` -> ``layout`` -> ``svg`` draw the diagram, measuring text with ``text``.
Built on the top-level rules of ``screening`` (``csv_cells``); independent of extraction and
ranking (import-linter enforces both).
"""
