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

export function drawStages(progress) {
  return [];
}
