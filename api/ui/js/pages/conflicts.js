// Conflicts for leads: both votes side by side (when the stage is unblinded), resolved with a reason.
import { api } from "../api.js";
import { h, field, select, pageHeader, emptyState, notify, errorText, setFieldError, nextId } from "../dom.js";
import { STAGE_LABELS } from "../progress.js";
import { abstractNodes } from "../text.js";

// A resolution settles the record: include or exclude (the API refuses maybe).
const DECISIONS = [
  ["include", "Include"],
  ["exclude", "Exclude"],
];

function voteColumn(vote, names, reasons) {
  const reason = vote.reason_id ? reasons.get(vote.reason_id) : null;
  return h(
    "div",
    { class: "vote-card" },
    h("p", { class: "small muted" }, names.get(vote.reviewer_id) || `Reviewer ${vote.reviewer_id}`),
    h("span", { class: `badge badge-${vote.decision}` }, vote.decision),
    reason ? h("p", { class: "small" }, `Reason: ${reason}`) : null,
    vote.note ? h("p", { class: "small vote-note" }, `“${vote.note}”`) : null,
  );
}

function resolveForm(rid, stage, conflict, reasons, onResolved) {
  const name = `decision-${conflict.record_id}`;
  const radios = DECISIONS.map(([value, label]) => {
    const input = h("input", { type: "radio", name, value, id: nextId(), required: true });
    return h("div", { class: "check" }, input, h("label", { for: input.id }, label));
  });
  const fullText = stage === "full_text";
  const why = h("textarea", { name: "reason", rows: "2" });
  const reasonOptions = [["", "—"], ...[...reasons.entries()].map(([id, label]) => [id, label])];
  // Full text: an exclusion needs a reason. Title/abstract: offered when the review has some.
  const reasonId = fullText || reasons.size ? select(reasonOptions, "", { name: "reason_id" }) : null;
  const formError = h("p", { class: "form-message error", role: "alert", hidden: true });

  // Each error goes to the control it is about: a missing reason reddens the reason, not "Why".
  function check(decision) {
    const needsReason = fullText && decision === "exclude" && !reasonId.value;
    if (reasonId) setFieldError(reasonId, needsReason ? "Choose the exclusion reason: a full-text exclusion needs one." : "");
    setFieldError(why, why.value.trim() ? "" : "Write why you decided this; it goes into the log.");
    if (needsReason) return reasonId;
    return why.value.trim() ? null : why;
  }

  async function submit(event) {
    event.preventDefault();
    const chosen = event.target.querySelector(`input[name="${name}"]:checked`);
    formError.hidden = !!chosen;
    formError.textContent = chosen ? "" : "Choose the final decision.";
    const invalid = chosen ? check(chosen.value) : radios[0].querySelector("input");
    if (invalid) {
      invalid.focus();
      return;
    }
    const reason = chosen.value === "exclude" && reasonId && reasonId.value ? Number(reasonId.value) : null;
    const body = { stage, decision: chosen.value, reason: why.value.trim(), reason_id: reason };
    try {
      await api(`/reviews/${rid}/records/${conflict.record_id}/resolution`, { method: "POST", json: body });
      notify(`Resolved: ${chosen.value}.`);
      onResolved();
    } catch (error) {
      formError.textContent = errorText(error);
      formError.hidden = false;
    }
  }
  const reasonHint = fullText ? "Required when the final decision is exclude." : "Optional; used when the final decision is exclude.";
  return h(
    "form",
    { class: "resolve-form", onsubmit: submit, novalidate: true, "aria-label": `Resolve “${conflict.title}”` },
    h("fieldset", { class: "plain" }, h("legend", {}, "Final decision"), h("div", { class: "radio-row" }, radios)),
    field("Why", why, { required: true }),
    reasonId ? field("Exclusion reason", reasonId, { hint: reasonHint }) : null,
    formError,
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Resolve")),
  );
}

function conflictCard(rid, stage, conflict, names, reasons, onResolved) {
  const abstract = h("div", { class: "record-abstract small" });
  const details = h("details", { class: "abstract-details" }, h("summary", {}, "Abstract"), abstract);
  details.addEventListener("toggle", async () => {
    if (!details.open || abstract.childElementCount) return;
    const record = await api(`/reviews/${rid}/records/${conflict.record_id}`);
    abstract.replaceChildren(...abstractNodes(record.abstract || "", []));
  });
  const votes = conflict.votes
    ? h("div", { class: "votes-side" }, conflict.votes.map((vote) => voteColumn(vote, names, reasons)))
    : h("p", { class: "muted small" }, `Blinded: ${conflict.voters.map((id) => names.get(id) || id).join(" and ")} voted; turn blinding off for this stage in Settings to see how.`);
  return h(
    "article",
    { class: "card conflict", "aria-labelledby": `conflict-${conflict.record_id}` },
    h("div", { class: "card-head" }, h("h2", { id: `conflict-${conflict.record_id}` }, conflict.title || "(no title)"), h("span", { class: "badge badge-maybe" }, conflict.state.replace(/_/g, " "))),
    h("p", { class: "muted small" }, conflict.why),
    details,
    votes,
    resolveForm(rid, stage, conflict, reasons, onResolved),
  );
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const stage = new URLSearchParams(location.search).get("stage") === "full_text" ? "full_text" : "title_abstract";
  ctx.title = "Conflicts";
  const [conflicts, members, reasonList] = await Promise.all([
    api(`/reviews/${rid}/conflicts?stage=${stage}`),
    api(`/reviews/${rid}/members`),
    api(`/reviews/${rid}/exclusion-reasons`),
  ]);
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  const reasons = new Map(reasonList.filter((r) => r.stage === stage).map((r) => [r.id, r.label]));
  const tabs = h(
    "nav",
    { class: "stage-switch", "aria-label": "Stage" },
    Object.entries(STAGE_LABELS).map(([value, label]) => h("a", { href: `?stage=${value}`, "aria-current": value === stage ? "page" : null }, label)),
  );
  const list = h("div", { class: "conflict-list" });
  const count = h("p", { class: "muted", "aria-live": "polite" });
  const container = h("div", { class: "container narrow" }, pageHeader("Conflicts", "Records where the votes disagree, for a final decision.", tabs), count, list);
  ctx.main.append(container);

  async function draw(items) {
    count.textContent = items.length ? `${items.length} record${items.length === 1 ? "" : "s"} to resolve at ${STAGE_LABELS[stage].toLowerCase()}.` : "";
    if (!items.length) {
      list.replaceChildren(emptyState("No conflicts", `Nothing awaits a decision at ${STAGE_LABELS[stage].toLowerCase()}.`));
      return;
    }
    list.replaceChildren(...items.map((c) => conflictCard(rid, stage, c, names, reasons, refresh)));
  }
  async function refresh() {
    await draw(await api(`/reviews/${rid}/conflicts?stage=${stage}`));
    const first = list.querySelector("input, button, a");
    if (first) first.focus();
  }
  await draw(conflicts);
}
