// A filled-in safety plan or own card in, the page the client reads in a crisis out: the first step
// first, then the rest in the plan's order, people and services as tap-to-call and tap-to-text links.
import { answerText } from "./answers.js";
import { el } from "./dom.js";
import { dialled, servicesList, shownAnswers } from "./form.js";
import { format } from "./words.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Field} Field */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Answer} Answer */
/** @typedef {import("./types.js").Crisis} Crisis */
/** @typedef {import("./types.js").Words} Words */

/** Draw the client's own plan into `root`: the field marked `start_here` first, then every answered field.
 * @param {HTMLElement} root @param {Form} form @param {Entry} entry @param {Crisis} crisis @param {Words} words */
export function drawPlan(root, form, entry, crisis, words) {
  root.textContent = "";
  const answers = shownAnswers(form, entry.answers);
  const first = form.fields.filter((f) => f.start_here);
  const ordered = [...first, ...form.fields.filter((f) => !f.start_here)];
  for (const field of ordered) {
    const shown = answerNodes(field, answers[field.id], crisis, words);
    if (!shown.length) continue;
    const section = el("section", { class: field.start_here ? "sb-plan-part sb-start-here" : "sb-plan-part",
      id: `plan-${field.id}` });
    section.append(el("h2", {}, field.label), ...shown);
    root.appendChild(section);
  }
}

/** @param {Field} field @param {Answer|undefined} answer @param {Crisis} crisis @param {Words} words
 * @returns {HTMLElement[]} */
function answerNodes(field, answer, crisis, words) {
  const nodes = [];
  if (field.type === "contacts") {
    if (Array.isArray(answer)) {
      const list = el("ul", { class: "sb-people" });
      for (const person of answer) {
        if (typeof person !== "object" || person === null || !(person.name || person.number)) continue;
        list.appendChild(personItem(person.name, person.number, words));
      }
      if (list.children.length) nodes.push(list);
    }
    if (field.crisis_services && crisis.regions.length) nodes.push(servicesList(crisis, words));
    return nodes;
  }
  const text = answerText(field, answer, words);
  if (text) nodes.push(el("p", { class: "sb-plan-answer" }, text));  // what the client wrote: text, never markup
  return nodes;
}

/** @param {string} name @param {string} number @param {Words} words */
function personItem(name, number, words) {
  const item = el("li");
  item.appendChild(el("strong", {}, name || number));
  const digits = dialled(number || "");
  if (digits) {
    for (const [scheme, key] of [["tel", "companion.call"], ["sms", "companion.text"]]) {
      item.append(" ", el("a", { class: "sb-button sb-call", href: `${scheme}:${digits}` },
        format(words, key, { name: name || number })));
    }
  }
  return item;
}

/** The own card, short: "At 7 or more: 1 … 2 … 3 …; then …".
 * @param {HTMLElement} root @param {Form} form @param {Entry} entry @param {Words} words */
export function drawOwnCard(root, form, entry, words) {
  root.textContent = "";
  const answers = entry.answers;
  root.appendChild(el("h2", {}, typeof answers.name === "string" && answers.name ? answers.name
    : words["companion.own.open"]));
  if (typeof answers.from === "number") {
    root.appendChild(el("p", { class: "sb-own-at" }, format(words, "companion.own.at", { level: answers.from })));
  }
  const steps = el("ol");
  for (const field of form.fields.filter((f) => f.id.startsWith("step-"))) {
    const text = answers[field.id];
    if (typeof text !== "string" || !text.trim()) continue;
    steps.appendChild(el("li", {}, text));
  }
  if (steps.children.length) root.appendChild(steps);
  for (const id of ["then", "caution"]) {
    const field = form.fields.find((f) => f.id === id);
    const text = answers[id];
    if (!field || typeof text !== "string" || !text.trim()) continue;
    const p = el("p");
    p.append(el("strong", {}, `${field.label}: `), text);
    root.appendChild(p);
  }
}
