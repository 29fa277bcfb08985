// Progress per stage from GET /reviews/{rid}/progress, drawn as labelled bars.
import { api, routeMissing } from "./api.js";
import { h, progressBar } from "./dom.js";

export const STAGE_LABELS = { title_abstract: "Title & abstract", full_text: "Full text" };

export async function stageProgress(rid, into) {
  let progress;
  try {
    progress = await api(`/reviews/${rid}/progress`);
  } catch (error) {
    if (!routeMissing(error)) into.append(h("p", { class: "muted small" }, "Progress is not available."));
    return null;
  }
  into.replaceChildren(...drawStages(progress));
  return progress;
}

const SETTLED = ["included", "excluded"];

/** One labelled bar per stage: records settled of those that reached it, and open conflicts. */
export function drawStages(progress) {
  return Object.entries(STAGE_LABELS).map(([stage, label]) => {
    const figures = progress[stage];
    const settled = SETTLED.reduce((sum, state) => sum + (figures.by_state[state] || 0), 0);
    const conflicts = figures.conflicts ? ` · ${figures.conflicts} conflict${figures.conflicts === 1 ? "" : "s"}` : "";
    return h(
      "div",
      { class: "stage-progress" },
      h("span", {}, label),
      progressBar(settled, figures.total, `${label}: records settled`),
      h("span", { class: "num", title: `${settled} of ${figures.total} records settled${conflicts}` }, figures.total ? `${settled} / ${figures.total}` : "—"),
      figures.conflicts ? h("span", { class: "stage-note" }, `${figures.conflicts} to resolve`) : null,
    );
  });
}
