// The store and the page's forms in, what the therapist assigned out: the list page's "this week's
// homework", and an assignment link (#assign=…) shown in full and set only when the client says so.
import { el } from "./dom.js";
import { ask, data, find, say, t } from "./page.js";

/** @typedef {import("./types.js").Assignment} Assignment */
/** @typedef {import("./store.js").Store} Store */

/** @param {Store} store */
export async function drawHome(store) {
  const where = find(".sb-fill-assigned");
  const settings = await store.settings();
  const assignment = /** @type {Assignment|undefined} */ (settings.assignment);
  if (!where || !assignment || !assignment.forms.length) return;
  where.hidden = false;
  where.textContent = "";
  where.appendChild(el("h2", {}, t("companion.assigned")));
  if (assignment.from) where.appendChild(el("p", {}, t("companion.assigned_by", { name: assignment.from })));
  const list = el("ul", { class: "sb-fill-list" });
  for (const id of assignment.forms) {
    const form = data.forms.find((f) => f.id === id);
    if (!form) continue;
    const item = el("li");
    item.appendChild(el("a", { href: form.href }, form.title));
    list.appendChild(item);
  }
  where.appendChild(list);
}

/** A therapist's link: shown in full, set only when the client says so. @param {Store} store */
export async function offerAssignment(store) {
  const { decodeAssignment } = await import("./assign.js");
  const catalogue = { forms: Object.fromEntries(data.forms.map((f) => [f.id, { rows: f.rows.map((r) => r.id) }])) };
  const result = decodeAssignment(location.hash, catalogue);
  history.replaceState(null, "", location.pathname + location.search);  // the fragment is not kept in the history
  if (!result.ok) {
    say(t(`companion.${result.problem}`));
    return;
  }
  const assignment = result.assignment;
  const body = [];
  const titles = assignment.forms.map((id) => (data.forms.find((f) => f.id === id) || { title: id }).title);
  const list = el("ul");
  if (titles.length) list.appendChild(el("li", {}, t("companion.assign.forms_set", { forms: titles.join(", ") })));
  for (const [formId, rows] of Object.entries(assignment.rows || {})) {
    const form = data.forms.find((f) => f.id === formId);
    const labels = rows.tracked.map((id) => {
      const row = form && form.rows.find((r) => r.id === id);
      const named = rows.names && rows.names[id];
      return named ? `${row ? row.label : id}: ${named}` : row ? row.label : id;
    });
    list.appendChild(el("li", {}, t("companion.assign.rows_set", { rows: labels.join(", ") })));
  }
  if (assignment.coach) list.appendChild(el("li", {}, t("companion.assign.coach_set", { name: assignment.coach.name, number: assignment.coach.number })));
  body.push(list);
  const title = assignment.from ? t("companion.assign.offer", { name: assignment.from }) : t("companion.assign.offer_anon");
  if (await ask(title, body, [{ text: t("companion.assign.accept"), value: "yes" }]) !== "yes") return;
  await store.setSetting("assignment", assignment);
  if (assignment.coach) await store.setSetting("coach", assignment.coach);
  say(t("companion.assign.done"));
}
