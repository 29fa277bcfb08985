// The PRISMA 2020 flow diagram, its arithmetic checks, and downloads (SVG, CSV, JSON).
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

function checks(prisma) {
  if (!prisma.violations.length) {
    return h("p", { class: "form-message ok" }, "The numbers add up: every PRISMA identity holds.");
  }
  return h(
    "div",
    { class: "form-message warn", role: "status" },
    h("strong", {}, "Not final yet: some PRISMA identities do not hold while records are still open."),
    h("ul", {}, prisma.violations.map((v) => h("li", {}, v.message))),
  );
}

export async function render(ctx) {
  const rid = ctx.review.id;
  ctx.title = "PRISMA 2020";
  const [svg, prisma] = await Promise.all([apiBlob(`/reviews/${rid}/prisma.svg`), api(`/reviews/${rid}/prisma`)]);
  const url = URL.createObjectURL(svg);
  const base = `/reviews/${rid}`;
  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader(
        "PRISMA 2020 flow diagram",
        "Counted from the review’s own records, votes and resolutions.",
        downloadButton("Download SVG", `${base}/prisma.svg`, `prisma-review-${rid}.svg`),
        downloadButton("Download CSV", `${base}/prisma.csv`, `prisma-review-${rid}.csv`),
        downloadButton("Download JSON", `${base}/prisma`, `prisma-review-${rid}.json`),
      ),
      checks(prisma),
      h(
        "figure",
        { class: "card prisma-figure" },
        h("img", { src: url, alt: "PRISMA 2020 flow diagram of this review", class: "prisma-svg" }),
        h("figcaption", { class: "muted small" }, "The CSV is the PRISMA2020 package’s data template, filled in for its Shiny app."),
      ),
    ),
  );
}
