"""Pure review domain. The decision rules sit at the top (votes and the decision log, conflicts,
agreement, the rapid gate, stage rows, workflow, queue); ``prisma``, ``extraction`` and
``ranking`` are domain packages built on them, independent of each other."""
