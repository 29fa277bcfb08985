"""Pure review domain: decisions, conflicts, agreement, workflow, extraction and PRISMA."""
