"""Reports: PRISMA 2020 (counts, CSV, SVG), reference exports, the whole-review archive."""
