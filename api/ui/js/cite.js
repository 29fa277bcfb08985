// Records in lists: long values shortened (the whole value stays in the record's own page and in
// a tooltip), authors as "Surname et al.", a one-line citation.

export function plural(count, word, words = `${word}s`) {
  return `${count} ${count === 1 ? word : words}`;
}

/** At most `limit` characters, cut at a word boundary when one is near, with an ellipsis. */
export function shorten(text, limit) {
  const value = (text || "").replace(/\s+/g, " ").trim();
  if (value.length <= limit) return value;
  const cut = value.slice(0, limit - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > limit * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, "")}…`;
}

/** "Halvorsen", "Halvorsen and Mbeki", "Halvorsen et al." */
export function authorsShort(authors) {
  const surname = (name) => name.split(",")[0].trim();
  if (!authors || !authors.length) return "";
  if (authors.length === 1) return surname(authors[0]);
  if (authors.length === 2) return `${surname(authors[0])} and ${surname(authors[1])}`;
  return `${surname(authors[0])} et al.`;
}

/** "Halvorsen et al. · 2016 · Journal of …" */
export function citation(record, journalLimit = 60) {
  return [authorsShort(record.authors), record.year, shorten(record.journal, journalLimit)].filter(Boolean).join(" · ");
}

export function titleOf(record, limit) {
  const title = record.title || "(no title)";
  return limit ? shorten(title, limit) : title;
}
