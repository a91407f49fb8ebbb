// The clinician edition's assignment page (its JSON block: the forms and their diary rows) in, a link
// out that sets up a client's companion: everything chosen rides in the fragment, which no browser
// sends to a server. Nothing is stored here.
import { encodeAssignment } from "./assign.js";
import { isAssignment } from "./check.js";
import { format } from "./words.js";

/** @typedef {import("./types.js").Assignment} Assignment */
/** @typedef {{id: string, title: string, type: string, rows: Array<{id: string, label: string, grid: string, write_in: boolean}>}} FormLink */

const block = document.getElementById("sb-companion");
const page = /** @type {HTMLElement|null} */ (document.querySelector(".sb-assign"));
/** @type {{forms: FormLink[], words: Record<string, string>}} */
const data = JSON.parse((block && block.textContent) || "{}");
/** @param {string} key @param {Record<string, string>} [values] */
const t = (key, values) => format(data.words || {}, key, values);

/** @param {string} tag @param {Record<string, string>} [attributes] @param {string} [text] */
function el(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/** @param {HTMLElement} parent @param {string} id @param {string} label @param {string} [type] */
function input(parent, id, label, type = "text") {
  const box = el("div", { class: "sb-field" });
  const field = /** @type {HTMLInputElement} */ (el("input", { id, type, maxlength: "200" }));
  box.append(el("label", { for: id }, label), field);
  parent.appendChild(box);
  return field;
}

/** @param {string} legend */
function fieldset(legend) {
  const set = el("fieldset", { class: "sb-field sb-options" });
  set.appendChild(el("legend", {}, legend));
  return set;
}

/** @param {HTMLElement} parent @param {string} id @param {string} label @param {string} value */
function tick(parent, id, label, value) {
  const option = el("label", { class: "sb-option" });
  const box = /** @type {HTMLInputElement} */ (el("input", { type: "checkbox", id, value }));
  option.append(box, el("span", {}, label));
  parent.appendChild(option);
  return box;
}

function draw() {
  const form = /** @type {HTMLFormElement|null} */ (page && page.querySelector(".sb-assign-form"));
  if (!page || !form) return;
  form.hidden = false;
  const from = input(form, "sb-assign-from", t("companion.assign.from"));
  const client = input(form, "sb-assign-client", t("companion.assign.client_address"), "url");
  client.value = page.dataset.client || new URL("../../site/fill/index.html", location.href).href;
  const forms = fieldset(t("companion.assign.forms"));
  const chosenForms = data.forms.map((f) => tick(forms, `sb-assign-${f.id}`, f.title, f.id));
  form.appendChild(forms);
  /** @type {Array<{form: string, row: string, box: HTMLInputElement, name: HTMLInputElement|null}>} */
  const chosenRows = [];
  for (const diary of data.forms.filter((f) => f.rows.length)) {
    const rows = fieldset(`${t("companion.assign.rows")}: ${diary.title}`);
    for (const row of diary.rows) {
      const box = tick(rows, `sb-row-${diary.id}-${row.id}`, `${row.grid}: ${row.label}`, row.id);
      const name = row.write_in ? input(rows, `sb-row-${diary.id}-${row.id}-name`, t("companion.assign.name_row", { label: row.label })) : null;
      chosenRows.push({ form: diary.id, row: row.id, box, name });
    }
    form.appendChild(rows);
  }
  const coach = fieldset(t("companion.assign.coach"));
  const coachName = input(coach, "sb-assign-coach-name", t("companion.coach.name"));
  const coachNumber = input(coach, "sb-assign-coach-number", t("companion.coach.number"), "tel");
  const coachFrom = input(coach, "sb-assign-coach-from", t("companion.coach.from"), "time");
  const coachTo = input(coach, "sb-assign-coach-to", t("companion.coach.to"), "time");
  const fallback = input(coach, "sb-assign-coach-fallback", t("companion.coach.fallback"));
  form.appendChild(coach);
  form.appendChild(el("button", { type: "submit" }, t("companion.assign.make")));
  const out = el("div", { class: "sb-assign-out", hidden: "" });
  form.after(out);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    /** @type {Assignment} */
    const assignment = { v: 1, forms: chosenForms.filter((b) => b.checked).map((b) => b.value) };
    for (const choice of chosenRows.filter((c) => c.box.checked)) {
      const rows = assignment.rows || (assignment.rows = {});
      const tracked = rows[choice.form] || (rows[choice.form] = { tracked: [] });
      tracked.tracked.push(choice.row);
      if (choice.name && choice.name.value.trim()) (tracked.names || (tracked.names = {}))[choice.row] = choice.name.value.trim();
    }
    if (coachName.value.trim() && coachNumber.value.trim()) {
      assignment.coach = { name: coachName.value.trim(), number: coachNumber.value.trim() };
      if (coachFrom.value && coachTo.value) assignment.coach.hours = { days: [1, 2, 3, 4, 5], from: coachFrom.value, to: coachTo.value };
      if (fallback.value.trim()) assignment.coach.fallback = fallback.value.trim();
    }
    if (from.value.trim()) assignment.from = from.value.trim();
    out.hidden = false;
    out.textContent = "";
    if (!isAssignment(assignment)) {  // the client's page would refuse it: say so here, where it can be mended
      out.appendChild(el("p", { role: "alert" }, t("companion.assign.invalid")));
      return;
    }
    const link = `${client.value.split("#")[0]}#assign=${encodeAssignment(assignment)}`;
    out.appendChild(el("h2", {}, t("companion.assign.link")));
    const shown = el("a", { href: link, class: "sb-assign-link", "data-assignment-link": "" }, link);
    const copy = el("button", { type: "button" }, t("companion.assign.copy"));
    copy.addEventListener("click", () => { navigator.clipboard.writeText(link).catch(() => undefined); });
    const para = el("p");
    para.appendChild(shown);
    out.append(para, copy);
  });
}

draw();
