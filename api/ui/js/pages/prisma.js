// The PRISMA 2020 flow diagram with its counts as text beside it, its arithmetic checks in plain
// words, and downloads (SVG, CSV, JSON) named "draft" while the numbers do not add up.
import { api, apiBlob, download } from "../api.js";
import { h, button, pageHeader, notify, errorText } from "../dom.js";

function downloadButton(label, path, filename) {
  return button(label, async () => {
    try {
      await download(path, filename);
    } catch (error) {
      notify(errorText(error), "error");
    }
  });
}

const n = (value) => (typeof value === "number" ? value.toLocaleString("en") : "—");
const plural = (count, one, many) => `${n(count)} ${count === 1 ? one : many}`;

// Each identity the server checks, said the way a reviewer thinks of it; {a} is the count as it
// stands, {e} what the others make it, {d} the difference. Unknown rules fall back to the message.
const PLAIN = {
  D2: (v) => `The records counted for ${v.keys[0].startsWith("register") ? "registers" : "databases"} (${n(v.actual)}) are not the sum of the counts per source (${n(v.expected)}).`,
  D4: (v) => `Records screened (${n(v.actual)}) should be the records identified less those removed before screening (${n(v.expected)}).`,
  D5: (v) => `${plural(Math.abs(v.expected - v.actual), "record is", "records are")} not yet settled at title and abstract: reports sought (${n(v.actual)}) will be records screened less records excluded (${n(v.expected)}) once every record has its decision.`,
  D6: (v) => `${plural(Math.abs(v.expected - v.actual), "report sought has", "reports sought have")} neither a full text assessed nor "not retrieved" yet (assessed: ${n(v.actual)}; sought less not retrieved: ${n(v.expected)}).`,
  D7: (v) => `Reports excluded at full text (${n(v.actual)}) should be the reports assessed less those included (${n(v.expected)}); full-text screening is still open.`,
  D9: (v) => `More reports are sought from other methods (${n(v.actual)}) than those methods found (${n(v.expected)}).`,
  D10: (v) => `From other methods, ${plural(Math.abs(v.expected - v.actual), "report sought has", "reports sought have")} neither been assessed nor marked "not retrieved" yet.`,
  D11: (v) => `From other methods, reports excluded at full text (${n(v.actual)}) should be those assessed less those included (${n(v.expected)}).`,
  D12: (v) => `Reports included (${n(v.actual)}) should be the included reports of both arms (${n(v.expected)}).`,
  D13: (v) => (v.actual > v.expected ? `More studies (${n(v.actual)}) than reports (${n(v.expected)}) are included.` : "Reports are included, but no study yet: link each report to its study."),
  D15: (v) => `More are in the meta-analysis (${n(v.actual)}) than are included (${n(v.expected)}).`,
  D16: (v) => `Records excluded (${n(v.actual)}) should be those excluded by people plus those excluded by automation tools (${n(v.expected)}).`,
};

export function plainWords(violation) {
  const say = PLAIN[violation.rule];
  return say && violation.actual !== null && violation.expected !== null ? say(violation) : violation.message;
}

function checks(prisma) {
  if (!prisma.violations.length) {
    return h("p", { class: "form-message ok" }, "The numbers add up: every PRISMA identity holds. The downloads are final.");
  }
  return h(
    "div",
    { class: "form-message warn", role: "status" },
    h("strong", {}, "Draft: the numbers do not add up yet, usually because records are still being screened. The downloads are marked draft until they do."),
    h(
      "ul",
      {},
      prisma.violations.map((v) =>
        h("li", {}, plainWords(v), " ", h("details", { class: "inline-details" }, h("summary", {}, "Rule ", v.rule), h("code", { class: "small" }, v.message))),
      ),
    ),
  );
}

function reasons(list) {
  if (!Array.isArray(list) || !list.length) return null;
  return h("ul", { class: "count-reasons" }, list.map((r) => h("li", {}, `${r.label}: ${n(r.n)}`)));
}

/** The diagram's boxes as text, in reading order: what a screen reader or a copy-paste needs. */
function countsText(prisma) {
  const c = prisma.counts;
  const d = prisma.derived;
  const row = (label, value, extra = null) =>
    h("div", { class: "count-row" }, h("dt", {}, label), h("dd", { class: "num" }, n(value)), extra ? h("dd", { class: "count-detail" }, extra) : null);
  const section = (title, ...rows) => h("section", { class: "count-section", "aria-label": title }, h("h3", {}, title), h("dl", {}, rows));
  const other = [c.website_results, c.organisation_results, c.citations_results].some((v) => typeof v === "number");
  return h(
    "div",
    { class: "card prisma-counts" },
    h("h2", {}, "The counts"),
    section(
      "Identification",
      row("Records from databases", c.database_results, reasons(c.database_specific_results)),
      row("Records from registers", c.register_results, reasons(c.register_specific_results)),
      row("Duplicate records removed", c.duplicates, reasons(prisma.duplicates_by_source)),
      row("Marked ineligible by automation tools", c.excluded_automatic),
      row("Removed for other reasons", c.excluded_other),
    ),
    section(
      "Screening",
      row("Records screened", c.records_screened),
      row("Records excluded", c.records_excluded),
      row("Reports sought for retrieval", c.dbr_sought_reports),
      row("Reports not retrieved", c.dbr_notretrieved_reports),
      row("Reports assessed for eligibility", c.dbr_assessed),
      row("Reports excluded", d.dbr_excluded_total, reasons(c.dbr_excluded)),
    ),
    other
      ? section(
          "Other methods",
          row("Records from websites", c.website_results),
          row("Records from organisations", c.organisation_results),
          row("Records from citation searching", c.citations_results),
          row("Reports sought for retrieval", c.other_sought_reports),
          row("Reports not retrieved", c.other_notretrieved_reports),
          row("Reports assessed for eligibility", c.other_assessed),
          row("Reports excluded", d.other_excluded_total, reasons(c.other_excluded)),
        )
      : null,
    section("Included", row("Studies included in the review", c.total_studies ?? c.new_studies), row("Reports of included studies", c.total_reports ?? c.new_reports)),
  );
}

export async function render(ctx) {
  const rid = ctx.review.id;
  ctx.title = "PRISMA 2020";
  const [svg, prisma] = await Promise.all([apiBlob(`/reviews/${rid}/prisma.svg`), api(`/reviews/${rid}/prisma`)]);
  const url = URL.createObjectURL(svg);
  const base = `/reviews/${rid}`;
  const draft = prisma.violations.length > 0;
  const suffix = draft ? "-draft" : "";
  const label = (format) => (draft ? `Download draft ${format}` : `Download ${format}`);
  ctx.main.append(
    h(
      "div",
      { class: "container wide" },
      pageHeader(
        draft ? "PRISMA 2020 flow diagram (draft)" : "PRISMA 2020 flow diagram",
        "Counted from the review’s own records, votes and resolutions.",
        downloadButton(label("SVG"), `${base}/prisma.svg`, `prisma-review-${rid}${suffix}.svg`),
        downloadButton(label("CSV"), `${base}/prisma.csv`, `prisma-review-${rid}${suffix}.csv`),
        downloadButton(label("JSON"), `${base}/prisma`, `prisma-review-${rid}${suffix}.json`),
      ),
      checks(prisma),
      h(
        "div",
        { class: "prisma-columns" },
        h(
          "figure",
          { class: "card prisma-figure" },
          h("img", { src: url, alt: "PRISMA 2020 flow diagram of this review; the same counts are listed as text beside it.", class: "prisma-svg" }),
          h("figcaption", { class: "muted small" }, "The CSV is the PRISMA2020 package’s data template, filled in for its Shiny app."),
        ),
        countsText(prisma),
      ),
    ),
  );
}
