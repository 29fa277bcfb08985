// One record and its history: where it came from (source, file or PubMed search, who and when),
// the records merged with it (by the matcher or by whom, with a way to undo), identifier
// corrections and removals before screening. Librarians and leads correct its DOI and PMID.
// Its screening votes and notes as the API serves them: under blinding, others' only once settled.
import { api } from "../api.js";
import { can } from "../roles.js";
import { h, pageHeader } from "../dom.js";
import { citation, plural, titleOf } from "../cite.js";
import { centralNote, identifiersEditor, removeAccession, savedText } from "../identifiers.js";

const TYPES = { journal_article: "Journal article", conference_abstract: "Conference abstract", conference_paper: "Conference paper" };
const REMOVALS = { automation: "marked ineligible by an automation tool", other: "removed for another reason" };
const STAGES = [
  ["title_abstract", "Title and abstract"],
  ["full_text", "Full text"],
];
const VOTES = { include: "Include", exclude: "Exclude", maybe: "Maybe" };
const FORMATS = {
  ris: "RIS",
  medline: "MEDLINE / PubMed",
  "pubmed-xml": "PubMed XML",
  bibtex: "BibTeX",
  "endnote-xml": "EndNote XML",
  "endnote-tagged": "EndNote tagged",
  csv: "CSV",
  wos: "Web of Science",
  ovid: "Ovid",
};

function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function fact(label, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
  return [h("dt", {}, label), h("dd", {}, value)];
}

function doiLink(doi) {
  return doi ? h("a", { href: `https://doi.org/${doi}`, rel: "noopener noreferrer", target: "_blank" }, doi) : null;
}

function pmidLink(pmid) {
  return pmid ? h("a", { href: `https://pubmed.ncbi.nlm.nih.gov/${pmid}/`, rel: "noopener noreferrer", target: "_blank" }, pmid) : null;
}

function placeText(record) {
  const parts = [record.volume && `volume ${record.volume}`, record.issue && `issue ${record.issue}`, record.pages && `pages ${record.pages}`];
  return parts.filter(Boolean).join(", ");
}

export async function render(ctx) {
  const [rid, recordId] = [ctx.review.id, Number(ctx.params[1])];
  const manage = can(ctx.review.role, "manage_sources");
  ctx.title = "Record";
  const message = h("div", { role: "status" });
  const view = h("div");
  ctx.main.append(h("div", { class: "container narrow" }, h("p", { class: "back-link" }, h("a", { href: `/reviews/${rid}/records` }, "← All records")), message, view));
  let history = await api(`/reviews/${rid}/records/${recordId}/history`);
  ctx.title = titleOf(history.record, 60);
  const [members, reasonList, notes, ...stageVotes] = await Promise.all([
    api(`/reviews/${rid}/members`),
    api(`/reviews/${rid}/exclusion-reasons`),
    api(`/reviews/${rid}/records/${recordId}/notes`),
    ...STAGES.map(([stage]) => api(`/reviews/${rid}/records/${recordId}/decisions?stage=${stage}`)),
  ]);
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  const nameOf = (id) => names.get(id) || `Reviewer ${id}`;
  const reasons = new Map(reasonList.map((r) => [r.id, r.label]));
  draw();

  async function reload(text) {
    history = await api(`/reviews/${rid}/records/${recordId}/history`);
    draw();
    message.replaceChildren(text ? h("p", { class: "form-message ok" }, text) : "");
  }

  function recordLink(brief) {
    if (brief.id === recordId) return h("span", {}, "this record");
    return h("span", {}, "“", h("a", { href: `/reviews/${rid}/records/${brief.id}` }, titleOf(brief, 90)), "” (", brief.source, brief.year ? `, ${brief.year}` : "", ")");
  }

  function draw() {
    const record = history.record;
    const badges = [
      record.duplicate_of_id !== null ? h("span", { class: "badge badge-muted plain" }, "Merged duplicate") : null,
      record.removed ? h("span", { class: "badge badge-exclude plain" }, "Removed before screening") : null,
    ].filter(Boolean);
    view.replaceChildren(
      pageHeader(record.title || "(no title)", citation(record, 120) || null),
      badges.length ? h("p", { class: "actions" }, badges) : "",
      sameStudy(),
      details(record),
      historyCard(),
      screeningCard(),
      h(
        "details",
        { class: "card raw-details" },
        h("summary", {}, "Source text as imported"),
        h("pre", { class: "raw-text", tabindex: "0", "aria-label": "Source text as imported" }, record.raw || "(empty)"),
      ),
    );
  }

  function sameStudy() {
    const kept = history.merged_into;
    const group = history.group;
    if (!kept && !group.length) return "";
    const intro = kept
      ? h("p", {}, "This record is a copy of ", recordLink(kept), ", the record kept for the study: screening sees that one.")
      : h("p", {}, `${plural(group.length, "other record")} of this study ${group.length === 1 ? "was" : "were"} merged into this one; screening sees this record only.`);
    const others = group.filter((brief) => brief.id !== kept?.id);
    return h(
      "section",
      { class: "card", "aria-labelledby": "same-study" },
      h("h2", { id: "same-study" }, "The same study from other sources"),
      intro,
      others.length ? h("ul", { class: "plain-list" }, others.map((brief) => h("li", {}, recordLink(brief)))) : "",
    );
  }

  function details(record) {
    const facts = [
      fact("Authors", record.authors.join("; ")),
      fact("Year", record.year),
      fact("Journal", record.journal),
      fact("Volume, issue, pages", placeText(record)),
      fact("DOI", doiLink(record.doi)),
      fact("PMID", pmidLink(record.pmid)),
      fact("PMCID", record.pmcid),
      fact("Type", TYPES[record.type] || record.type.replace(/_/g, " ")),
      fact("Language", record.language),
      fact("Keywords", record.keywords.join("; ")),
      record.removed ? fact("Removed before screening", `${REMOVALS[record.removed]}: ${record.removal_reason}`) : null,
    ].filter(Boolean);
    return h(
      "section",
      { class: "card", "aria-labelledby": "record-details" },
      h("h2", { id: "record-details" }, "Record"),
      h("dl", { class: "facts" }, facts),
      centralNote(record, manage ? dropAccession : null) || "",
      manage ? identifiersEditor(rid, record, (_saved, text) => reload(text)) : "",
      h("h3", { class: "abstract-head" }, "Abstract"),
      h("p", { class: record.abstract ? "record-abstract-text" : "muted" }, record.abstract || "No abstract."),
    );
  }

  async function dropAccession() {
    await removeAccession(rid, history.record);
    await reload(savedText({ doi: null }));
  }

  function historyCard() {
    const events = [importEvent(), ...history.merges.map(mergeEvent), ...history.identifier_changes.map(changeEvent), ...history.removals.map(removalEvent)];
    events.sort((a, b) => a.at.localeCompare(b.at));
    return h(
      "section",
      { class: "card", "aria-labelledby": "record-history" },
      h("h2", { id: "record-history" }, "History"),
      h("ol", { class: "timeline" }, events.map((event) => h("li", {}, h("span", { class: "timeline-date" }, when(event.at)), h("div", {}, event.text)))),
    );
  }

  function screeningCard() {
    const stages = STAGES.map(([, label], index) => [label, stageVotes[index]]).filter(([, votes]) => votes.length);
    const votes = stages.length
      ? h(
          "dl",
          { class: "facts" },
          stages.flatMap(([label, list]) => [
            h("dt", {}, label),
            h("dd", {}, h("ul", { class: "plain-list" }, list.map((vote) => h("li", {}, voteText(vote))))),
          ]),
        )
      : h("p", { class: "muted" }, "No votes to show. Under blinding, others' votes show once the record is settled.");
    return h(
      "section",
      { class: "card", "aria-labelledby": "record-screening" },
      h("h2", { id: "record-screening" }, "Screening"),
      h("h3", {}, "Votes"),
      votes,
      h("h3", {}, "Notes"),
      notes.length
        ? h("ul", { class: "plain-list" }, notes.map((note) => h("li", {}, h("span", { class: "small muted" }, `${nameOf(note.user_id)} · ${when(note.created_at)}: `), note.tags.map((tag) => h("span", { class: "badge badge-muted plain" }, tag)), note.text ? ` ${note.text}` : "")))
        : h("p", { class: "muted" }, "No notes to show."),
    );
  }

  function voteText(vote) {
    const reason = vote.reason_id !== null ? ` (${reasons.get(vote.reason_id) || "a reason"})` : "";
    return [`${nameOf(vote.reviewer_id)}: ${VOTES[vote.decision] || vote.decision}${reason}`, vote.note ? ` — ${vote.note}` : ""];
  }

  function importEvent() {
    const origin = history.origin;
    const who = origin.imported_by ? ` by ${origin.imported_by}` : "";
    const what =
      origin.kind === "pubmed"
        ? ["from the PubMed search “", origin.query, "”"]
        : [origin.filename ? `from the file ${origin.filename}` : "from a file", origin.format ? ` (${FORMATS[origin.format] || origin.format})` : ""];
    const place = origin.record_number ? `, record ${origin.record_number} of ${origin.records_imported}${origin.line ? ` (line ${origin.line})` : ""}` : "";
    return { at: origin.imported_at, text: [`Imported into ${origin.source}${who}, `, ...what, `${place}.`] };
  }

  function mergeEvent(merge) {
    const other = merge.record_a.id === recordId ? merge.record_b : merge.record_a;
    const involvesThis = merge.record_a.id === recordId || merge.record_b.id === recordId;
    const pair = involvesThis ? ["this record and ", recordLink(other)] : [recordLink(merge.record_a), " and ", recordLink(merge.record_b)];
    const by = merge.by ? ` by ${merge.by}` : "";
    const undo = manage && (merge.status === "auto" || merge.status === "confirmed") ? [" ", h("a", { href: `/reviews/${rid}/duplicates?status=${merge.status}&record=${recordId}` }, "Undo in the duplicate queue")] : [];
    const text = {
      auto: ["Merged automatically by the duplicate finder: ", ...pair, "."],
      confirmed: [`Merged${by}: `, ...pair, "."],
      rejected: [`Kept apart${by}: `, ...pair, " are different publications."],
      undone: [`Merge undone${by}: `, ...pair, " stand on their own."],
    }[merge.status];
    return { at: merge.at, text: [...text, ...undo] };
  }

  function changeEvent(change) {
    const name = change.field === "doi" ? "DOI" : "PMID";
    const by = change.by ? ` by ${change.by}` : "";
    let text;
    if (change.before && change.after) text = `${name} corrected${by} from ${change.before} to ${change.after}.`;
    else if (change.after) text = `${name} ${change.after} added${by}.`;
    else text = `${name} ${change.before} removed${by}.`;
    return { at: change.at, text: [text] };
  }

  function removalEvent(removal) {
    const by = removal.by ? ` by ${removal.by}` : "";
    if (removal.restored) return { at: removal.at, text: [`Brought back into screening${by}.`] };
    return { at: removal.at, text: [`Removed before screening${by}: ${REMOVALS[removal.removed] || "removed"} (${removal.reason}).`] };
  }
}
