// A filled-in safety plan or own card in, the page the client reads in a crisis out: the first step
// first, then the rest in the plan's order, people and services as tap-to-call and tap-to-text links.
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
    const section = document.createElement("section");
    section.className = field.start_here ? "sb-plan-part sb-start-here" : "sb-plan-part";
    section.id = `plan-${field.id}`;
    const heading = document.createElement("h2");
    heading.textContent = field.label;
    section.append(heading, ...shown);
    root.appendChild(section);
  }
}

/** @param {Field} field @param {Answer|undefined} answer @param {Crisis} crisis @param {Words} words
 * @returns {HTMLElement[]} */
function answerNodes(field, answer, crisis, words) {
  const nodes = [];
  if (field.type === "contacts") {
    if (Array.isArray(answer)) {
      const list = document.createElement("ul");
      list.className = "sb-people";
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
  if (text) {
    const p = document.createElement("p");
    p.className = "sb-plan-answer";
    p.textContent = text;  // what the client wrote is text, never markup
    nodes.push(p);
  }
  return nodes;
}

/** @param {string} name @param {string} number @param {Words} words */
function personItem(name, number, words) {
  const item = document.createElement("li");
  const who = document.createElement("strong");
  who.textContent = name || number;
  item.appendChild(who);
  const digits = dialled(number || "");
  if (digits) {
    for (const [scheme, key] of [["tel", "companion.call"], ["sms", "companion.text"]]) {
      const link = document.createElement("a");
      link.className = "sb-button sb-call";
      link.href = `${scheme}:${digits}`;
      link.textContent = format(words, key, { name: name || number });
      item.append(" ", link);
    }
  }
  return item;
}

/** One answer as a line of text: options by their label, an option no longer on the form as such.
 * @param {Field} field @param {Answer|undefined} answer @param {Words} words */
export function answerText(field, answer, words) {
  if (answer === undefined) return "";
  const label = (/** @type {string} */ id) => {
    const option = (field.options || []).find((o) => o.id === id);
    return option ? option.label : `${id} ${words["companion.gone"]}`;
  };
  if (typeof answer === "boolean") return answer ? words["companion.yes"] : words["companion.no"];
  if (typeof answer === "number") return field.type === "rating" && field.max !== undefined ? `${answer}/${field.max}` : String(answer);
  if (typeof answer === "string") return field.type === "choice" ? label(answer) : answer;
  if (Array.isArray(answer)) {
    return answer.map((x) => (typeof x === "string" ? label(x) : [x.name, x.number].filter(Boolean).join(" "))).join(", ");
  }
  return "";
}

/** The own card, short: "At 7 or more: 1 … 2 … 3 …; then …".
 * @param {HTMLElement} root @param {Form} form @param {Entry} entry @param {Words} words */
export function drawOwnCard(root, form, entry, words) {
  root.textContent = "";
  const answers = entry.answers;
  const title = document.createElement("h2");
  title.textContent = typeof answers.name === "string" && answers.name ? answers.name : words["companion.own.open"];
  root.appendChild(title);
  if (typeof answers.from === "number") {
    const at = document.createElement("p");
    at.className = "sb-own-at";
    at.textContent = format(words, "companion.own.at", { level: answers.from });
    root.appendChild(at);
  }
  const steps = document.createElement("ol");
  for (const field of form.fields.filter((f) => f.id.startsWith("step-"))) {
    const text = answers[field.id];
    if (typeof text !== "string" || !text.trim()) continue;
    const item = document.createElement("li");
    item.textContent = text;
    steps.appendChild(item);
  }
  if (steps.children.length) root.appendChild(steps);
  for (const id of ["then", "caution"]) {
    const field = form.fields.find((f) => f.id === id);
    const text = answers[id];
    if (!field || typeof text !== "string" || !text.trim()) continue;
    const p = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = `${field.label}: `;
    p.append(strong, text);
    root.appendChild(p);
  }
}
