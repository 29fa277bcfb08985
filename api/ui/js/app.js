// The app shell: finds the page for the URL, draws the top bar and the review's sections.
import { api, loginUrl, logout, session, ApiError } from "./api.js";
import { h, emptyState, errorText } from "./dom.js";
import { can } from "./roles.js";
import { AVAILABLE_PAGES } from "./pages.js";

// Pages of a review, in the order of the section bar; `needs` is the permission to show it.
export const REVIEW_SECTIONS = [
  { path: "", page: "overview", label: "Overview", needs: "read" },
  { path: "screen/title_abstract", page: "screen", label: "Screen", needs: "screen", match: "screen" },
  { path: "retrieval", page: "retrieval", label: "Retrieval", needs: "read" },
  { path: "conflicts", page: "conflicts", label: "Conflicts", needs: "manage_review" },
  { path: "agreement", page: "agreement", label: "Agreement", needs: "read" },
  { path: "sources", page: "sources", label: "Sources", needs: "read" },
  { path: "duplicates", page: "duplicates", label: "Duplicates", needs: "manage_sources" },
  { path: "records", page: "records", label: "Records", needs: "read" },
  { path: "extraction", page: "extraction", label: "Extraction", needs: "extract", match: "extraction" },
  { path: "prisma", page: "prisma", label: "PRISMA", needs: "read" },
  { path: "exports", page: "exports", label: "Exports", needs: "manage_review" },
  { path: "settings", page: "settings", label: "Settings", needs: "read" },
];

// What a role needs to use each page; a page it cannot use says so instead of failing later.
const PAGE_NEEDS = {
  ...Object.fromEntries(REVIEW_SECTIONS.map((section) => [section.page, section.needs])),
  "extraction-form": "manage_review",
  extract: "extract",
};

const ROUTES = [
  { pattern: /^\/login\/?$/, page: "login", public: true },
  { pattern: /^\/set-password\/?$/, page: "set-password", public: true },
  { pattern: /^\/admin\/users\/?$/, page: "accounts", admin: true },
  { pattern: /^\/$/, page: "home" },
  { pattern: /^\/reviews\/(\d+)\/?$/, page: "overview" },
  { pattern: /^\/reviews\/(\d+)\/screen\/(title_abstract|full_text)$/, page: "screen" },
  { pattern: /^\/reviews\/(\d+)\/settings$/, page: "settings" },
  { pattern: /^\/reviews\/(\d+)\/sources$/, page: "sources" },
  { pattern: /^\/reviews\/(\d+)\/conflicts$/, page: "conflicts" },
  { pattern: /^\/reviews\/(\d+)\/agreement$/, page: "agreement" },
  { pattern: /^\/reviews\/(\d+)\/prisma$/, page: "prisma" },
  { pattern: /^\/reviews\/(\d+)\/exports$/, page: "exports" },
  { pattern: /^\/reviews\/(\d+)\/duplicates$/, page: "duplicates" },
  { pattern: /^\/reviews\/(\d+)\/records$/, page: "records" },
  { pattern: /^\/reviews\/(\d+)\/records\/(\d+)$/, page: "record" },
  { pattern: /^\/reviews\/(\d+)\/retrieval$/, page: "retrieval" },
  { pattern: /^\/reviews\/(\d+)\/extraction$/, page: "extraction" },
  { pattern: /^\/reviews\/(\d+)\/extraction\/form$/, page: "extraction-form" },
  { pattern: /^\/reviews\/(\d+)\/studies\/(\d+)\/extraction$/, page: "extract" },
];

function findRoute(pathname) {
  for (const route of ROUTES) {
    const match = pathname.match(route.pattern);
    if (match) return { ...route, params: match.slice(1) };
  }
  return null;
}

function drawTopbar(me, review) {
  const bar = document.getElementById("topbar");
  bar.replaceChildren(
    h(
      "div",
      { class: "topbar-inner" },
      h("a", { class: "brand", href: "/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }), "Winnow"),
      review
        ? h("span", { class: "crumb" }, h("span", { class: "crumb-sep", "aria-hidden": "true" }, "/"), h("a", { href: `/reviews/${review.id}` }, review.title))
        : null,
      h("span", { class: "spacer" }),
      me?.is_admin ? h("a", { class: "topbar-link", href: "/admin/users", "aria-current": location.pathname.startsWith("/admin/") ? "page" : null }, "Accounts") : null,
      me
        ? h(
            "div",
            { class: "user" },
            h("span", { class: "user-name" }, me.name),
            review ? h("span", { class: "badge" }, review.role) : null,
            h("button", { type: "button", class: "btn btn-ghost btn-small", onclick: signOut }, "Sign out"),
          )
        : null,
    ),
  );
}

function drawSections(review, pathname) {
  const nav = document.getElementById("review-nav");
  if (!review) {
    nav.hidden = true;
    return;
  }
  const base = `/reviews/${review.id}`;
  const list = h("ul", {});
  for (const section of REVIEW_SECTIONS) {
    if (!can(review.role, section.needs) || !AVAILABLE_PAGES.has(section.page)) continue;
    const href = section.path ? `${base}/${section.path}` : base;
    const prefix = section.match ? `${base}/${section.match}` : href;
    const current = section.path ? pathname.startsWith(prefix) : pathname === base || pathname === `${base}/`;
    list.append(h("li", {}, h("a", { href, "aria-current": current ? "page" : null }, section.label)));
  }
  nav.replaceChildren(h("div", { class: "review-nav-inner" }, list));
  nav.hidden = false;
}

async function signOut() {
  await logout().catch(() => undefined);
  location.assign("/login");
}

function showNotForRole(main, review) {
  document.title = "Not available · Winnow";
  main.replaceChildren(
    h(
      "div",
      { class: "container" },
      emptyState(
        "Not available for your role",
        `You are ${review.role === "viewer" ? "a viewer" : `a ${review.role}`} in this review; this page is for members who may change what it shows. Ask a lead of the review if you need it.`,
        h("a", { class: "btn btn-primary", href: `/reviews/${review.id}` }, "Back to the review"),
      ),
    ),
  );
}

function showError(main, error) {
  const notFound = error instanceof ApiError && error.status === 404;
  document.title = `${notFound ? "Not found" : "Something went wrong"} · Winnow`;
  main.replaceChildren(
    h(
      "div",
      { class: "container" },
      emptyState(
        notFound ? "Not found" : "Something went wrong",
        notFound ? "This page does not exist, or you are not a member of this review." : errorText(error),
        h("a", { class: "btn btn-primary", href: "/" }, "Back to your reviews"),
      ),
    ),
  );
}

async function start() {
  const main = document.getElementById("main");
  const route = findRoute(location.pathname);
  if (!route || !AVAILABLE_PAGES.has(route.page)) {
    drawTopbar(null, null);
    showError(main, new ApiError(404, "NotFound", "Not Found"));
    return;
  }
  if (!route.public && !session.signedIn) {
    location.replace(loginUrl());
    return;
  }
  try {
    const ctx = { params: route.params };
    if (!route.public) {
      const rid = route.params[0] && route.page !== "home" ? Number(route.params[0]) : null;
      [ctx.me, ctx.review] = await Promise.all([api("/users/me"), rid ? api(`/reviews/${rid}`) : null]);
    }
    drawTopbar(ctx.me, ctx.review);
    drawSections(ctx.review, location.pathname);
    if (route.admin && !ctx.me.is_admin) {
      showError(main, new ApiError(404, "NotFound", "Not Found"));
      return;
    }
    if (ctx.review && !can(ctx.review.role, PAGE_NEEDS[route.page] || "read")) {
      showNotForRole(main, ctx.review);
      return;
    }
    const module = await import(`./pages/${route.page}.js`);
    // Pages draw into a detached view that replaces "Loading…" once it has its data: no flash.
    ctx.main = document.createElement("div");
    await module.render(ctx);
    main.replaceChildren(ctx.main);
    main.querySelector("[autofocus]")?.focus();
    document.title = ctx.title ? `${ctx.title} · Winnow` : "Winnow";
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    console.error(error);
    showError(main, error);
  }
}

start();
