// The pages this build ships; sections and links for any other page stay out of sight.
export const AVAILABLE_PAGES = new Set([
  "login",
  "home",
  "overview",
  "settings",
  "sources",
  "duplicates",
  "records",
  "retrieval",
  "screen",
  "conflicts",
  "agreement",
  "prisma",
  "exports",
  "extraction",
  "extraction-form",
  "extract",
]);
