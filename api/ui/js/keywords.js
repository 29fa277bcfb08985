// The review's include/exclude keywords found in a title and an abstract, by word form.
//
// A keyword's word also matches the other forms of that word, by rules that hold for English
// words in general (not fitted to any data set):
// - one inflection is dropped to find the stem: -ing, -ed, -es, -s, -e ("screening" -> screen;
//   not -s after s, i or u: "class", "analysis", "virus"), and a final -y after a consonant
//   becomes "y or i" ("study" -> study, studies, studied);
// - a stem of 5 letters or more matches every word that begins with it ("child" -> children,
//   childhood); a shorter stem only takes an inflection (-s, -es, -d, -ed, -ing: "pain" ->
//   pains, not "paint"), since short stems begin too many unrelated words;
// - British and American spellings meet: "is"/"iz" before a vowel or at the stem's end
//   ("randomised" -> randomized, randomisation) and "ae"/"oe" inside a word ("paediatric" ->
//   pediatric, "oedema" -> edema);
// - "*" inside a word is the reviewer's own wildcard and turns word forms off for that word;
//   a keyword in double quotes matches only as written.
// Case is ignored; words of a phrase may be separated by any spaces or hyphens; matches are whole
// words, and a match inside a longer one is dropped (include wins a tie), as on the server.

const LETTER = "[\\p{L}\\p{N}_]";
const LONG_STEM = 5;
const INFLECTION = "(?:s|es|d|ed|ing)?";
const ENDINGS = ["ing", "ed", "es", "s", "e"];

/** The stem of one keyword word and whether it ends in a y that may become i. */
export function stem(word) {
  const lower = word.toLowerCase();
  if (/[^aeiou]y$/.test(lower) && lower.length - 1 >= 3) return { stem: lower.slice(0, -1), y: true };
  for (const ending of ENDINGS) {
    if (!lower.endsWith(ending)) continue;
    const rest = lower.slice(0, -ending.length);
    if (ending === "s" && /[siu]$/.test(rest)) continue;
    if (rest.length >= 4) return { stem: rest, y: false };
  }
  return { stem: lower, y: false };
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** British and American spellings of a stem, as a pattern. */
function spellings(text) {
  let pattern = "";
  for (let i = 0; i < text.length; i += 1) {
    const pair = text.slice(i, i + 2);
    const after = text[i + 2];
    if ((pair === "is" || pair === "iz") && i >= 3 && (after === undefined || "aeiou".includes(after))) {
      pattern += "i[sz]";
      i += 1;
    } else if ((pair === "ae" || pair === "oe") && i + 2 < text.length) {
      pattern += `${pair[0]}?e`;
      i += 1;
    } else pattern += escape(text[i]);
  }
  return pattern;
}

/** The pattern for one word of a keyword. */
export function wordPattern(word, exact = false) {
  if (word.includes("*")) return word.split("*").map(escape).join(`${LETTER}*`);
  if (exact) return escape(word);
  const found = stem(word);
  const rest = found.stem.length >= LONG_STEM ? `${LETTER}*` : INFLECTION;
  return `${spellings(found.stem)}${found.y ? "(?:y|i)" : ""}${rest}`;
}

/** A regular expression matching a keyword (a word or a phrase) and its word forms. */
export function keywordPattern(keyword) {
  let text = keyword.trim();
  const exact = text.length > 2 && text.startsWith('"') && text.endsWith('"');
  if (exact) text = text.slice(1, -1).trim();
  const words = text.split(/[\s-]+/).filter(Boolean);
  if (!words.length || words.every((w) => !w.replaceAll("*", ""))) return null;
  const body = words.map((w) => wordPattern(w, exact)).join("[\\s\\-]+");
  return new RegExp(`(?<!${LETTER})${body}(?!${LETTER})`, "giu");
}

/** Compile the review's keywords once; reuse the result for every record. */
export function keywordMatcher(include = [], exclude = []) {
  const patterns = [];
  for (const [kind, words] of [["include", include], ["exclude", exclude]]) {
    for (const keyword of new Set(words.map((w) => w.trim()))) {
      const pattern = keyword ? keywordPattern(keyword) : null;
      if (pattern) patterns.push({ kind, keyword, pattern });
    }
  }
  return patterns;
}

function dropNested(spans) {
  const ordered = spans.sort((a, b) => a.start - b.start || b.end - a.end || (a.kind === "include" ? -1 : 1));
  const kept = [];
  for (const span of ordered) {
    if (!kept.some((k) => k.start <= span.start && span.end <= k.end)) kept.push(span);
  }
  return kept;
}

/** Spans {field, start, end, kind, keyword} of every keyword in the title, then the abstract. */
export function findSpans(matcher, title, abstract) {
  const spans = [];
  for (const [field, text] of [["title", title || ""], ["abstract", abstract || ""]]) {
    const found = [];
    for (const { kind, keyword, pattern } of matcher) {
      for (const match of text.matchAll(pattern)) {
        if (match[0].length) found.push({ field, start: match.index, end: match.index + match[0].length, kind, keyword });
      }
    }
    spans.push(...dropNested(found));
  }
  return spans;
}
