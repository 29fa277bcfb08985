// Agreement between reviewers (kappa, PABAK, per pair) and progress per reviewer, per stage.
import { api } from "../api.js";
import { h, pageHeader, table, progressBar } from "../dom.js";
import { STAGE_LABELS, drawStages } from "../progress.js";

function figure(value, digits = 2) {
  return value === null || value === undefined ? "—" : Number(value).toFixed(digits);
}

function percent(value) {
  return value === null || value === undefined ? "—" : `${(100 * value).toFixed(1)}%`;
}

function stat(value, label, hint) {
  return h("div", { class: "card stat" }, h("span", { class: "stat-value" }, value), h("span", { class: "stat-label" }, label), hint ? h("span", { class: "small muted" }, hint) : null);
}

function agreementSection(agreement, names) {
  const ci = agreement.kappa_ci95 ? `95% CI ${figure(agreement.kappa_ci95[0])} to ${figure(agreement.kappa_ci95[1])}` : agreement.kappa_note || null;
  const who = (ids) => ids.map((id) => names.get(id) || `Reviewer ${id}`).join(" & ");
  return h(
    "section",
    { "aria-labelledby": "agreement-h" },
    h("h2", { id: "agreement-h" }, "Agreement"),
    agreement.settled_only ? h("p", { class: "muted small" }, "Blinding is on: the figures count settled records only.") : null,
    h(
      "div",
      { class: "grid grid-4" },
      stat(String(agreement.n), "records screened by two"),
      stat(percent(agreement.percent_agreement), "percent agreement"),
      stat(figure(agreement.kappa), `Cohen’s kappa${agreement.band ? ` · ${agreement.band}` : ""}`, ci),
      stat(figure(agreement.pabak), "PABAK", agreement.prevalence_index !== null ? `prevalence index ${figure(agreement.prevalence_index)}` : null),
    ),
    agreement.pairs.length
      ? h(
          "div",
          { class: "card" },
          table(
            [
              { label: "Pair", render: (p) => who(p.reviewers) },
              { label: "Records", key: "n", class: "num" },
              { label: "Agreement", render: (p) => percent(p.percent_agreement), class: "num" },
              { label: "Kappa", render: (p) => figure(p.kappa), class: "num" },
              { label: "PABAK", render: (p) => figure(p.pabak), class: "num" },
              { label: "Conflicts", key: "conflicts", class: "num" },
            ],
            agreement.pairs,
            { caption: "Per pair of reviewers" },
          ),
        )
      : null,
  );
}

/** "At most 138 relevant records may remain unscreened (95% confidence); best guess 40." */
export function stoppingText(stopping) {
  const confidence = `${Math.round(100 * stopping.confidence)}% confidence`;
  const records = (count) => `${count} relevant record${count === 1 ? "" : "s"}`;
  const range = stopping.lower > 0 ? `Between ${stopping.lower} and ${records(stopping.upper)}` : `At most ${records(stopping.upper)}`;
  return `${range} may remain unscreened (${confidence}); best guess ${Math.round(stopping.point)}.`;
}

function reviewersSection(stageProgress, names) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "reviewers-h" },
    h("h2", { id: "reviewers-h" }, "Progress per reviewer"),
    table(
      [
        { label: "Reviewer", render: (r) => names.get(r.reviewer_id) || `Reviewer ${r.reviewer_id}` },
        { label: "Progress", render: (r) => progressBar(r.done, r.done + r.to_do, `Progress of ${names.get(r.reviewer_id) || r.reviewer_id}`), class: "bar-cell" },
        { label: "Done", key: "done", class: "num" },
        { label: "To do", key: "to_do", class: "num" },
        { label: "In conflict", key: "conflicts", class: "num" },
      ],
      stageProgress.reviewers,
      { empty: "Nobody has voted at this stage yet." },
    ),
    stageProgress.stopping && stageProgress.stopping.point !== null
      ? h("p", { class: "muted small stopping-estimate" }, stoppingText(stageProgress.stopping), " ", stageProgress.stopping.caveat)
      : null,
  );
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const stage = new URLSearchParams(location.search).get("stage") === "full_text" ? "full_text" : "title_abstract";
  ctx.title = "Agreement and progress";
  const [agreement, progress, members] = await Promise.all([
    api(`/reviews/${rid}/agreement?stage=${stage}`),
    api(`/reviews/${rid}/progress`),
    api(`/reviews/${rid}/members`),
  ]);
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  const tabs = h(
    "nav",
    { class: "stage-switch", "aria-label": "Stage" },
    Object.entries(STAGE_LABELS).map(([value, label]) => h("a", { href: `?stage=${value}`, "aria-current": value === stage ? "page" : null }, label)),
  );
  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader("Agreement and progress", `${STAGE_LABELS[stage]} · ${progress[stage].mode} screening`, tabs),
      h("section", { class: "card", "aria-label": "Records settled per stage" }, drawStages(progress)),
      agreementSection(agreement, names),
      reviewersSection(progress[stage], names),
    ),
  );
}
