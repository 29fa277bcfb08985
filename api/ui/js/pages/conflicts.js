// Conflicts for the resolver (a lead, or a designated third reviewer): every vote with its reason
// and note, and the notes on the record — blinding is for the screeners, not for the person who
// decides. Resolved by form or by key (i include, e exclude, j/k move, u undo), "why" optional,
// and every resolution made here can be taken back.
import { api } from "../api.js";
import { h, button, field, select, pageHeader, emptyState, notify, errorText, setFieldError, nextId, typingInto, formatDate } from "../dom.js";
import { STAGE_LABELS } from "../progress.js";
import { keymapDialog, shortcutSwitch, shortcutsWanted } from "../shortcuts.js";
import { abstractNodes } from "../text.js";

// A resolution settles the record: include or exclude (the API refuses maybe).
const DECISIONS = [
  ["include", "Include"],
  ["exclude", "Exclude"],
];
const RESOLVED = { include: "included", exclude: "excluded" };

const KEYS = [
  ["i", "Include the conflict in focus"],
  ["e", "Exclude it (at full text, pick the reason first)"],
  ["j / k", "Next / previous conflict"],
  ["u", "Undo the last resolution made on this page"],
  ["?", "Show these keys"],
];

const nameOf = (names, id) => names.get(id) || `Reviewer ${id}`;

function voteColumn(vote, names, reasons) {
  const reason = vote.reason_id ? reasons.get(vote.reason_id) : null;
  return h(
    "div",
    { class: "vote-card" },
    h("p", { class: "small muted" }, nameOf(names, vote.reviewer_id)),
    h("span", { class: `badge badge-${vote.decision}` }, vote.decision),
    reason ? h("p", { class: "small" }, `Reason: ${reason}`) : null,
    vote.note ? h("p", { class: "small vote-note" }, `Note with the vote: “${vote.note}”`) : null,
  );
}

function notesList(notes, names) {
  if (!notes.length) return null;
  return h(
    "section",
    { class: "record-notes", "aria-label": "Notes on this record" },
    h("h3", { class: "small" }, "Notes"),
    h(
      "ul",
      { class: "notes" },
      notes.map((note) =>
        h(
          "li",
          {},
          h("span", { class: "small muted" }, `${nameOf(names, note.user_id)} · ${formatDate(note.created_at)}: `),
          note.text,
          note.tags.length ? h("span", { class: "small muted" }, ` [${note.tags.join(", ")}]`) : null,
        ),
      ),
    ),
  );
}

function resolveForm(rid, stage, conflict, reasons, onResolved) {
  const name = `decision-${conflict.record_id}`;
  const radios = DECISIONS.map(([value, label]) => {
    const input = h("input", { type: "radio", name, value, id: nextId() });
    return h("div", { class: "check" }, input, h("label", { for: input.id }, label));
  });
  const fullText = stage === "full_text";
  const why = h("textarea", { name: "reason", rows: "2" });
  const reasonOptions = [["", "—"], ...[...reasons.entries()].map(([id, label]) => [id, label])];
  // Full text: an exclusion needs a reason. Title/abstract: offered when the review has some.
  const reasonId = fullText || reasons.size ? select(reasonOptions, "", { name: "reason_id" }) : null;
  const formError = h("p", { class: "form-message error", role: "alert", hidden: true });

  // The one rule left: a full-text exclusion needs its reason (marked on the reason itself).
  function check(decision) {
    const needsReason = fullText && decision === "exclude" && !reasonId.value;
    if (reasonId) setFieldError(reasonId, needsReason ? "Choose the exclusion reason: a full-text exclusion needs one." : "");
    return needsReason ? reasonId : null;
  }

  async function resolve(decision) {
    formError.hidden = true;
    const invalid = check(decision);
    if (invalid) {
      invalid.focus();
      return;
    }
    const reason = decision === "exclude" && reasonId && reasonId.value ? Number(reasonId.value) : null;
    const body = { stage, decision, reason: why.value.trim(), reason_id: reason };
    try {
      await api(`/reviews/${rid}/records/${conflict.record_id}/resolution`, { method: "POST", json: body });
      onResolved(conflict, decision);
    } catch (error) {
      formError.textContent = errorText(error);
      formError.hidden = false;
    }
  }

  function submit(event) {
    event.preventDefault();
    const chosen = event.target.querySelector(`input[name="${name}"]:checked`);
    formError.hidden = !!chosen;
    formError.textContent = chosen ? "" : "Choose the final decision.";
    if (!chosen) return radios[0].querySelector("input").focus();
    resolve(chosen.value);
  }
  const reasonHint = fullText ? "Required when the final decision is exclude." : "Optional; used when the final decision is exclude.";
  const form = h(
    "form",
    { class: "resolve-form", onsubmit: submit, novalidate: true, "aria-label": `Resolve “${conflict.title}”` },
    h("fieldset", { class: "plain" }, h("legend", {}, "Final decision"), h("div", { class: "radio-row" }, radios)),
    field("Why (optional)", why, { hint: "Goes into the log with the decision." }),
    reasonId ? field("Exclusion reason", reasonId, { hint: reasonHint }) : null,
    formError,
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Resolve")),
  );
  return { form, resolve };
}

function conflictCard(rid, stage, conflict, names, reasons, onResolved) {
  const abstract = h("div", { class: "record-abstract small" });
  const details = h("details", { class: "abstract-details" }, h("summary", {}, "Abstract"), abstract);
  details.addEventListener("toggle", async () => {
    if (!details.open || abstract.childElementCount) return;
    const record = await api(`/reviews/${rid}/records/${conflict.record_id}`);
    abstract.replaceChildren(...abstractNodes(record.abstract || "", []));
  });
  const votes = conflict.votes.length
    ? h("div", { class: "votes-side" }, conflict.votes.map((vote) => voteColumn(vote, names, reasons)))
    : h("p", { class: "muted small" }, "No current votes.");
  const { form, resolve } = resolveForm(rid, stage, conflict, reasons, onResolved);
  const card = h(
    "article",
    { class: "card conflict", tabindex: "-1", "aria-labelledby": `conflict-${conflict.record_id}`, "data-record-id": String(conflict.record_id) },
    h("div", { class: "card-head" }, h("h2", { id: `conflict-${conflict.record_id}` }, conflict.title || "(no title)"), h("span", { class: "badge badge-maybe" }, conflict.state.replace(/_/g, " "))),
    h("p", { class: "muted small" }, conflict.why),
    details,
    votes,
    notesList(conflict.notes || [], names),
    form,
  );
  card.resolve = resolve;
  return card;
}

// Every conflict of the stage, read a page at a time (the API pages them).
async function allConflicts(rid, stage) {
  const items = [];
  for (;;) {
    const page = await api(`/reviews/${rid}/conflicts?stage=${stage}&limit=500&offset=${items.length}`);
    items.push(...page.items);
    if (!page.items.length || items.length >= page.total) return items;
  }
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const stage = new URLSearchParams(location.search).get("stage") === "full_text" ? "full_text" : "title_abstract";
  ctx.title = "Conflicts";
  const [conflicts, members, reasonList] = await Promise.all([
    allConflicts(rid, stage),
    api(`/reviews/${rid}/members`),
    api(`/reviews/${rid}/exclusion-reasons`),
  ]);
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  const reasons = new Map(reasonList.filter((r) => r.stage === stage).map((r) => [r.id, r.label]));
  let shortcuts = shortcutsWanted(ctx.me.id);
  const keys = keymapDialog(KEYS, "Keys act on the conflict that has the focus (the first one when none has).");
  const tabs = h(
    "nav",
    { class: "stage-switch", "aria-label": "Stage" },
    Object.entries(STAGE_LABELS).map(([value, label]) => h("a", { href: `?stage=${value}`, "aria-current": value === stage ? "page" : null }, label)),
  );
  const toolbar = h(
    "div",
    { class: "conflict-toolbar" },
    button(["Keys", h("kbd", { "aria-hidden": "true" }, "?")], () => keys.show(shortcuts), { kind: "ghost", "data-key": "?" }),
    shortcutSwitch(ctx.me.id, applyShortcuts),
  );
  const list = h("div", { class: "conflict-list" });
  const resolvedList = h("ul", { class: "resolved-list" });
  const resolvedSection = h("section", { class: "card resolved-here", "aria-labelledby": "resolved-h", hidden: true }, h("h2", { id: "resolved-h" }, "Resolved on this page"), resolvedList);
  const count = h("p", { class: "muted", "aria-live": "polite" });
  const container = h("div", { class: "container narrow conflicts-page" }, pageHeader("Conflicts", "Records where the votes disagree, for a final decision.", tabs), toolbar, count, resolvedSection, list);
  ctx.main.append(container);
  // What was resolved here, newest last: each can be undone (the toast's Undo does the last).
  const undoable = [];
  applyShortcuts(shortcuts);

  function applyShortcuts(on) {
    shortcuts = on;
    container.classList.toggle("no-shortcuts", !on);
    for (const el of container.querySelectorAll("[data-key]")) {
      if (on) el.setAttribute("aria-keyshortcuts", el.dataset.key);
      else el.removeAttribute("aria-keyshortcuts");
    }
  }

  function draw(items) {
    count.textContent = items.length ? `${items.length} record${items.length === 1 ? "" : "s"} to resolve at ${STAGE_LABELS[stage].toLowerCase()}.` : "";
    if (!items.length) {
      list.replaceChildren(emptyState("No conflicts", `Nothing awaits a decision at ${STAGE_LABELS[stage].toLowerCase()}.`));
      return;
    }
    list.replaceChildren(...items.map((c) => conflictCard(rid, stage, c, names, reasons, resolved)));
  }

  async function refresh(focusId = null) {
    draw(await allConflicts(rid, stage));
    const cards = [...list.querySelectorAll("article.conflict")];
    const target = cards.find((c) => c.dataset.recordId === String(focusId)) || cards[0];
    if (target) target.focus();
  }

  function drawResolved() {
    resolvedSection.hidden = !undoable.length;
    resolvedList.replaceChildren(
      ...undoable.map((item) =>
        h("li", {}, `“${item.title || "(no title)"}”: ${RESOLVED[item.decision]}. `, button(`Undo “${item.title || "(no title)"}”`, () => undo(item), { kind: "ghost", class: "btn btn-ghost btn-small" })),
      ),
    );
  }

  async function resolved(conflict, decision) {
    const item = { recordId: conflict.record_id, title: conflict.title, decision };
    undoable.push(item);
    drawResolved();
    const cards = [...list.querySelectorAll("article.conflict")];
    const index = cards.findIndex((c) => c.dataset.recordId === String(conflict.record_id));
    const after = cards[index + 1] || cards[index - 1];
    await refresh(after ? after.dataset.recordId : null);
    notify([`Resolved: ${decision}. `, button("Undo", () => undo(item), { kind: "ghost", class: "btn btn-ghost btn-small toast-action" })]);
  }

  async function undo(item) {
    if (!item || !undoable.includes(item)) return;
    try {
      await api(`/reviews/${rid}/records/${item.recordId}/resolution?stage=${stage}`, { method: "DELETE" });
    } catch (error) {
      notify(errorText(error), "error");
      return;
    }
    undoable.splice(undoable.indexOf(item), 1);
    drawResolved();
    await refresh(item.recordId);
    notify(`Undone: “${item.title || "(no title)"}” is back among the conflicts.`);
  }

  function focusedCard() {
    const cards = [...list.querySelectorAll("article.conflict")];
    return { cards, card: cards.find((c) => c.contains(document.activeElement)) || null };
  }

  document.addEventListener("keydown", (event) => {
    if (!shortcuts || typingInto(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key.toLowerCase();
    const { cards, card } = focusedCard();
    const current = card || cards[0];
    if ((key === "i" || key === "e") && current) current.resolve(key === "i" ? "include" : "exclude");
    else if ((key === "j" || key === "k") && cards.length) {
      const index = card ? cards.indexOf(card) + (key === "j" ? 1 : -1) : 0;
      cards[Math.max(0, Math.min(cards.length - 1, index))].focus();
    } else if (key === "u") undo(undoable.at(-1));
    else if (event.key === "?") keys.show(shortcuts);
    else return;
    event.preventDefault();
  });

  draw(conflicts);
}
