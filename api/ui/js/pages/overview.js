// A review at a glance: progress per stage, what the caller can do next, and who is in it.
import { api } from "../api.js";
import { can } from "../roles.js";
import { AVAILABLE_PAGES } from "../pages.js";
import { h, pageHeader, table } from "../dom.js";
import { stageProgress } from "../progress.js";

const NEXT_STEPS = [
  { page: "screen", path: "screen/title_abstract", needs: "screen", title: "Screen titles and abstracts", text: "One record at a time, keyboard first: i include, e exclude, m maybe." },
  { page: "screen", path: "screen/full_text", needs: "screen", title: "Screen full texts", text: "The PDF beside the record, with a reason for each exclusion." },
  { page: "sources", path: "sources", needs: "manage_sources", title: "Import records", text: "Upload RIS, MEDLINE, BibTeX, EndNote or CSV files, or search PubMed." },
  { page: "duplicates", path: "duplicates", needs: "manage_sources", title: "Check duplicates", text: "Confirm or reject the pairs the matcher was unsure about." },
  { page: "conflicts", path: "conflicts", needs: "manage_review", title: "Resolve conflicts", text: "Records where the reviewers disagree, side by side." },
  { page: "extraction", path: "extraction", needs: "extract", title: "Extract data", text: "Fill the extraction form for each included study." },
  { page: "prisma", path: "prisma", needs: "read", title: "PRISMA 2020 diagram", text: "The flow diagram and its counts, ready to download." },
  { page: "settings", path: "settings", needs: "manage_review", title: "Settings and members", text: "Stages, screening modes, keywords, reasons and the team." },
];

export async function render(ctx) {
  const review = ctx.review;
  ctx.title = review.title;
  const members = await api(`/reviews/${review.id}/members`);
  const progress = h("div", {}, h("p", { class: "muted small" }, "Loading progress…"));
  const steps = NEXT_STEPS.filter((step) => can(review.role, step.needs) && AVAILABLE_PAGES.has(step.page));
  const container = h(
    "div",
    { class: "container" },
    pageHeader(review.title, review.description || "No description yet."),
    h(
      "div",
      { class: "grid overview-grid" },
      h(
        "div",
        {},
        h("section", { class: "card", "aria-labelledby": "progress-h" }, h("h2", { id: "progress-h" }, "Progress"), progress),
        steps.length
          ? h(
              "section",
              { "aria-label": "Next steps" },
              h(
                "div",
                { class: "grid grid-2 steps" },
                steps.map((step) =>
                  h("a", { class: "card step", href: `/reviews/${review.id}/${step.path}` }, h("h3", {}, step.title), h("p", { class: "muted small" }, step.text)),
                ),
              ),
            )
          : null,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "team-h" },
        h("h2", { id: "team-h" }, "Team"),
        table(
          [
            { label: "Name", render: (m) => h("div", {}, m.name, h("div", { class: "muted small" }, m.email)) },
            { label: "Role", render: (m) => h("span", { class: "badge" }, m.role) },
          ],
          members,
        ),
      ),
    ),
  );
  ctx.main.append(container);
  const found = await stageProgress(review.id, progress);
  if (found === null && !progress.querySelector(".stage-progress")) {
    progress.replaceChildren(h("p", { class: "muted small" }, "No screening progress to show yet."));
  }
}
