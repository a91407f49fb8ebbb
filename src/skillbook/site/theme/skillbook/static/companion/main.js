// A companion page (its JSON block) and the browser's storage in, the page the client uses out: the
// form filled in and saved as they type, their entries, and every way to send, keep, lock or delete
// what they wrote. Nothing here sends anything: exports are files and messages the client sends.
import { isCoach } from "./check.js";
import { Store } from "./store.js";
import { askPersist } from "./db.js";
import { drawForm, fromDay, isWeekForm, mondayOf, shownAnswers, servicesList, toDay } from "./form.js";
import { answerText, drawOwnCard, drawPlan } from "./plan.js";
import { format } from "./words.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Field} Field */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Answer} Answer */
/** @typedef {import("./types.js").Crisis} Crisis */
/** @typedef {import("./types.js").Words} Words */
/** @typedef {import("./types.js").Assignment} Assignment */
/** @typedef {import("./types.js").Coach} Coach */
/**
 * @typedef {{id: string, title: string, type: string, frequency: string, href: string,
 *   rows: Array<{id: string, label: string, grid: string, write_in: boolean}>}} FormLink
 * @typedef {object} PageData
 * @property {Form|null} form
 * @property {FormLink[]} forms
 * @property {string} handbook
 * @property {Crisis} crisis
 * @property {Words} words
 * @property {string} quickExit
 * @property {string|null} plan
 * @property {{about: string|null, pdf: string|null, index: string, crisis: string}} links
 */

const block = document.getElementById("sb-companion");
const root = /** @type {HTMLElement|null} */ (document.querySelector(".sb-fill"));
/** @type {PageData} */
const data = JSON.parse((block && block.textContent) || "{}");
const words = data.words || {};
/** @param {string} key @param {Record<string, string|number>} [values] */
const t = (key, values) => format(words, key, values);
/** @param {string} selector */
const find = (selector) => /** @type {HTMLElement|null} */ (root && root.querySelector(selector));

/** @param {string} text */
function say(text) {
  const status = find(".sb-fill-status");
  if (status) status.textContent = text;
}

/** @param {string} tag @param {Record<string, string>} [attributes] @param {string} [text] */
function el(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/** @param {string} text @param {() => void} action @param {Record<string, string>} [attributes] */
function button(text, action, attributes = {}) {
  const node = el("button", { type: "button", ...attributes }, text);
  node.addEventListener("click", action);
  return node;
}

/** A modal question; resolves with the value of the button chosen (null when dismissed).
 * @param {string} title @param {Node[]} body @param {Array<{text: string, value: string, danger?: boolean}>} choices
 * @returns {Promise<string|null>} */
function ask(title, body, choices) {
  const dialog = /** @type {HTMLDialogElement} */ (el("dialog", { class: "sb-dialog", "aria-labelledby": "sb-dialog-title" }));
  dialog.appendChild(el("h2", { id: "sb-dialog-title" }, title));
  dialog.append(...body);
  const row = el("div", { class: "sb-fill-buttons" });
  dialog.appendChild(row);
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    /** @param {string|null} value */
    const close = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    for (const choice of choices) {
      row.appendChild(button(choice.text, () => close(choice.value), choice.danger ? { class: "sb-danger" } : {}));
    }
    row.appendChild(button(t("companion.cancel"), () => close(null)));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(null); });
    dialog.showModal();
  });
}

/** Hand the client a file they chose to make (a backup, a FHIR file, a calendar reminder).
 * @param {string} name @param {string} type @param {string} text */
function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: name });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function now() {
  return new Date().toISOString();
}

function today() {
  return toDay(new Date());
}

/** @param {Form} form @param {string} date @returns {Entry} */
function newEntry(form, date) {
  return { id: crypto.randomUUID(), form: form.id, version: form.version, date, created: now(), updated: now(), answers: {} };
}

/** @param {string} day */
function longDay(day) {
  try {
    return fromDay(day).toLocaleDateString(data.form ? data.form.language : undefined,
      { weekday: "long", day: "numeric", month: "long" });
  } catch {
    return day;
  }
}

// ------------------------------------------------------------------------------ starting

async function start() {
  if (!root) return;
  let store;
  try {
    store = await Store.open();
  } catch (error) {
    say(t("companion.not_saved", { reason: String(error instanceof Error ? error.message : error) }));
    return;
  }
  bindData(store);
  if (store.locked) {
    lockedControls(true);  // until the passcode is given, only "delete everything" (the way to start again)
    showData();
    await unlockFirst(store);
    lockedControls(false);
  }
  showPersist();
  if (location.hash.startsWith("#assign=")) await offerAssignment(store);
  if (data.form) await drawFill(store, data.form);
  else await drawHome(store);
  showData();  // below the form, once it is drawn: shown earlier, the form would push it down the screen
  root.dataset.ready = "true";
}

function showData() {
  const section = find(".sb-fill-data");
  if (section) section.hidden = false;
}

/** @param {boolean} locked */
function lockedControls(locked) {
  for (const selector of ['[data-export="backup"]', ".sb-file", "button[data-passcode]"]) {
    const control = find(selector);
    if (control) control.hidden = locked;
  }
}

/** The passcode is asked before anything stored is shown. @param {Store} store @returns {Promise<void>} */
function unlockFirst(store) {
  const lock = find(".sb-fill-lock");
  if (!lock) return Promise.resolve();
  lock.hidden = false;
  lock.textContent = "";
  const form = el("form", { class: "sb-unlock" });
  const label = el("label", { for: "sb-unlock" }, t("companion.passcode.locked"));
  const input = /** @type {HTMLInputElement} */ (el("input", { id: "sb-unlock", type: "password", autocomplete: "current-password", "data-passcode": "" }));
  const error = el("p", { class: "sb-error", role: "alert" });
  form.append(label, input, el("button", { type: "submit" }, t("companion.passcode.enter")), error,
    el("p", { class: "sb-help" }, t("companion.passcode.forgot")));
  lock.appendChild(form);
  // the plan is locked, the crisis lines are not: they are the handbook's, not the client's
  if (data.form && data.form.type === "safety-plan") lock.appendChild(servicesList(data.crisis, words));
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await store.unlock(input.value)) {
        lock.hidden = true;
        lock.textContent = "";
        resolve();
      } else {
        error.textContent = t("companion.passcode.wrong");
        input.select();
      }
    });
  });
}

async function showPersist() {
  const where = find(".sb-fill-persist");
  const state = await askPersist().catch(() => "unsupported");
  if (where) where.textContent = state === "persisted" ? t("companion.persist.yes") : t("companion.persist.no");
}

// ------------------------------------------------------------------------------ one form

/** @param {Store} store @param {Form} form */
async function drawFill(store, form) {
  const area = /** @type {HTMLFormElement} */ (find(".sb-fill-form"));
  const settings = await store.settings();
  const assignment = /** @type {Assignment|undefined} */ (settings.assignment);
  const tracked = assignment && assignment.rows ? assignment.rows[form.id] : undefined;
  const entries = await store.entries(form.id);
  const single = form.frequency === "once" || form.type === "safety-plan" || form.type === "own-card";
  const week = isWeekForm(form);
  /** @type {Entry} */
  let entry;
  let day = today();
  let saving = Promise.resolve();
  let stored = false;
  const coachBox = find(".sb-fill-coach");
  /** @type {Coach|undefined} */
  let coach = /** @type {Coach|undefined} */ (settings.coach) || (assignment && assignment.coach);

  let pending = 0;  // saves not yet written (data-pending, for scripts that wait for the last one)
  const save = () => {
    entry.updated = now();
    const copy = structuredClone(entry);
    stored = true;
    pending += 1;
    if (root) root.dataset.pending = String(pending);
    saving = saving.then(() => store.save(copy)).then(
      () => say(t("companion.saved_at", { time: new Date().toLocaleTimeString(form.language, { hour: "2-digit", minute: "2-digit" }) })),
      (error) => say(t("companion.not_saved", { reason: String(error instanceof Error ? error.message : error) })))
      .finally(() => { pending -= 1; if (root) root.dataset.pending = String(pending); });
    showSend();
    updateCoach();
  };

  /** @param {Entry} chosen */
  const open = (chosen) => {
    entry = chosen;
    stored = entries.some((e) => e.id === chosen.id);
    area.hidden = false;
    const heading = el("p", { class: "sb-fill-editing" });
    heading.textContent = week ? t("companion.week", { date: longDay(entry.date) }) : t("companion.editing", { date: longDay(entry.date) });
    if (entry.version !== form.version) heading.append(" ", t("companion.older_version", { version: entry.version }));
    drawForm(area, form, entry, {
      words, crisis: data.crisis, tracked, day: week ? dayColumn(day) : undefined,
      onChange: () => save(),
    });
    area.prepend(heading);
    if (week) area.prepend(dayNavigation());
    showSend();
    updateCoach();
  };

  // a week form: one day at a time, a new entry for each week
  const weekEntry = () => {
    const monday = mondayOf(day);
    const found = entries.find((e) => e.date === monday);
    if (found) return found;
    const fresh = newEntry(form, monday);
    const dateField = form.fields.find((f) => f.type === "date");
    if (dateField) fresh.answers[dateField.id] = monday;
    if (tracked && tracked.names) {
      for (const grid of form.fields.filter((f) => f.type === "grid")) {
        const names = Object.fromEntries(Object.entries(tracked.names).filter(([row]) => (grid.rows || []).some((r) => r.id === row)));
        if (Object.keys(names).length) fresh.answers[grid.id] = { cells: {}, names };
      }
    }
    entries.push(fresh);
    return fresh;
  };
  /** @param {string} date */
  const dayColumn = (date) => {
    const grid = form.fields.find((f) => f.type === "grid");
    const weekday = ((fromDay(date).getDay() + 6) % 7) + 1;
    const column = grid && (grid.columns || []).find((c) => c.iso_weekday === weekday);
    return column ? column.id : undefined;
  };
  const dayNavigation = () => {
    const nav = el("div", { class: "sb-day-nav" });
    /** @param {number} by */
    const move = (by) => {
      const date = fromDay(day);
      date.setDate(date.getDate() + by);
      day = toDay(date);
      open(weekEntry());
    };
    nav.append(button(t("companion.day.previous"), () => move(-1)),
      el("h2", { class: "sb-day" }, day === today() ? `${t("companion.day.today")}: ${longDay(day)}` : longDay(day)),
      button(t("companion.day.next"), () => move(1)),
      button(t("companion.week.view"), () => showWeek()));
    return nav;
  };
  const showWeek = () => {
    const view = find(".sb-fill-entries");
    if (!view) return;
    view.hidden = false;
    view.textContent = "";
    view.appendChild(el("h2", {}, t("companion.week", { date: longDay(entry.date) })));
    view.appendChild(weekTable(form, entry, (column) => {
      const start = fromDay(entry.date);
      const columns = (form.fields.find((f) => f.type === "grid") || { columns: [] }).columns || [];
      const index = columns.findIndex((c) => c.id === column);
      start.setDate(start.getDate() + Math.max(index, 0));
      day = toDay(start);
      open(weekEntry());
      area.scrollIntoView();
    }, tracked ? new Set(tracked.tracked) : null));
    view.scrollIntoView();
  };

  // the list of entries (a form filled in many times)
  const drawList = () => {
    const list = find(".sb-fill-entries");
    if (!list || single || week) return;
    list.hidden = false;
    list.textContent = "";
    list.appendChild(el("h2", {}, t("companion.entries")));
    list.appendChild(button(t("companion.new_entry"), () => { open(newEntry(form, today())); area.scrollIntoView(); }, { class: "sb-primary" }));
    const saved = entries.filter((e) => Object.keys(e.answers).length);
    if (!saved.length) list.appendChild(el("p", {}, t("companion.entries_none")));
    const items = el("ul", { class: "sb-entry-list" });
    for (const item of saved) {
      const li = el("li");
      li.appendChild(el("span", { class: "sb-entry-date" }, longDay(item.date)));
      const preview = firstText(form, item);
      if (preview) li.appendChild(el("span", { class: "sb-entry-preview" }, preview));
      li.append(button(t("companion.open_entry"), () => { open(item); area.scrollIntoView(); }),
        button(t("companion.delete_entry"), async () => {
          if (await ask(t("companion.delete_entry_confirm"), [], [{ text: t("companion.delete_entry"), value: "yes", danger: true }]) !== "yes") return;
          await store.remove(item.id);
          entries.splice(entries.indexOf(item), 1);
          if (entry && entry.id === item.id) open(newEntry(form, today()));
          drawList();
        }));
      items.appendChild(li);
    }
    list.appendChild(items);
  };

  // the safety plan and the own card: read first, changed on request
  const planView = find(".sb-fill-plan");
  if (single && planView && (form.type === "safety-plan" || form.type === "own-card")) {
    const mine = entries.find((e) => Object.keys(e.answers).length);
    if (mine) {
      planView.hidden = false;
      const body = el("div", { class: form.type === "own-card" ? "sb-own-card-view" : "sb-plan" });
      if (form.type === "own-card") drawOwnCard(body, form, mine, words);
      else drawPlan(body, form, mine, data.crisis, words);
      planView.append(body, button(t("companion.plan.edit"), () => {
        planView.hidden = true;
        open(mine);
        area.scrollIntoView();
      }, { class: "sb-primary" }));
      area.hidden = true;
      entry = mine;
      stored = true;
      showSend();
      const first = planView.querySelector(".sb-start-here");
      if (first) first.scrollIntoView();
    } else {
      if (form.type === "safety-plan") {
        planView.hidden = false;
        planView.appendChild(el("p", {}, t("companion.plan.none")));
      }
      open(entries[0] || newEntry(form, today()));
    }
  } else if (week) {
    open(weekEntry());
  } else if (single) {
    open(entries[0] || newEntry(form, today()));
  } else {
    open(newEntry(form, today()));
    drawList();
  }

  // ---- sending and keeping (only ever by the client's own tap)
  function showSend() {
    const send = find(".sb-fill-send");
    if (send) send.hidden = !stored;
  }
  const exported = () => ({ ...entry, version: form.version, answers: shownAnswers(form, entry.answers) });
  bind('[data-export="text"]', async () => {
    const { textSummary, smsHref } = await import("./summary.js");
    showText(textSummary(form, exported(), words), smsHref);
  });
  bind('[data-export="pdf"]', () => printEntry(form, exported()));
  bind('[data-export="fhir"]', async () => {
    const { questionnaireResponse } = await import("./fhir.js");
    const response = questionnaireResponse(form, exported(), { status: "in-progress", id: entry.id });
    download(`${form.id}-${entry.date}.fhir.json`, "application/fhir+json", JSON.stringify(response, null, 2));
  });
  bind("[data-reminder]", async () => {
    const { reminderCalendar } = await import("./ics.js");
    const time = /** @type {HTMLInputElement|null} */ (find("#sb-remind-time"));
    const weekday = /** @type {HTMLSelectElement|null} */ (find("#sb-remind-day"));
    const text = reminderCalendar({
      title: form.title, url: location.href.split("#")[0], frequency: form.frequency === "weekly" ? "weekly" : "daily",
      time: (time && time.value) || "19:00", weekday: weekday ? Number(weekday.value) : undefined, start: today(),
      uid: `${form.id}-reminder@skillbook`, stamp: new Date(), alarm: t("companion.remind.alarm", { title: form.title }),
      language: form.language,
    });
    download(`${form.id}-reminder.ics`, "text/calendar", text);
  });
  const remind = find(".sb-fill-remind");
  if (remind) remind.hidden = false;

  // ---- the coaching call: the message, the coach's details, what to do outside their hours
  function updateCoach() {
    if (!coachBox) return;
    coachBox.hidden = false;
    import("./summary.js").then(({ coachingMessage, smsHref }) => {
      const message = coachingMessage(form, exported(), words);
      const shown = find(".sb-fill-message");
      if (shown) shown.textContent = message;
      const sms = /** @type {HTMLAnchorElement|null} */ (find('[data-send="sms"]'));
      if (sms) sms.href = smsHref(coach ? coach.number : "", message);
    });
    const when = find(".sb-fill-coach-when");
    if (when) {
      when.textContent = "";
      if (!coach || !coach.number) when.appendChild(el("p", {}, t("companion.coach.no_coach")));
      else if (coach.hours && !withinHours(coach.hours, new Date())) {
        when.appendChild(el("p", { class: "sb-outside" }, t("companion.coach.outside", { hours: hoursText(coach.hours) })));
        if (coach.fallback) when.appendChild(el("p", { class: "sb-plan-answer" }, coach.fallback));
        when.appendChild(servicesList(data.crisis, words));
      }
    }
  }
  if (coachBox) {
    bind('[data-send="share"]', async () => {
      const { coachingMessage } = await import("./summary.js");
      const text = coachingMessage(form, exported(), words);
      if (navigator.share) await navigator.share({ text }).catch(() => undefined);
      else await copy(text);
    });
    drawCoachForm(store, coach, (saved) => { coach = saved; updateCoach(); });
    updateCoach();
  }
}

/** The first written answer of an entry, to tell entries apart in the list.
 * @param {Form} form @param {Entry} entry */
function firstText(form, entry) {
  for (const field of form.fields) {
    const answer = entry.answers[field.id];
    if (typeof answer === "string" && (field.type === "text" || field.type === "long_text") && answer.trim()) {
      return answer.length > 60 ? `${answer.slice(0, 59)}…` : answer;
    }
  }
  return "";
}

/** A week at a glance: rows down, days across; a day's heading opens that day.
 * @param {Form} form @param {Entry} entry @param {(column: string) => void} openDay @param {Set<string>|null} tracked */
function weekTable(form, entry, openDay, tracked) {
  const wrap = el("div", { class: "sb-week" });
  for (const grid of form.fields.filter((f) => f.type === "grid")) {
    const rows = (grid.rows || []).filter((r) => !tracked || tracked.has(r.id));
    if (!rows.length) continue;
    const table = el("table");
    table.appendChild(el("caption", {}, grid.label));
    const head = el("tr");
    head.appendChild(el("th", { scope: "col" }, ""));
    for (const column of grid.columns || []) {
      const th = el("th", { scope: "col" });
      th.appendChild(button(column.label, () => openDay(column.id), { "aria-label": t("companion.week.day", { day: column.label }) }));
      head.appendChild(th);
    }
    table.appendChild(head);
    const answer = entry.answers[grid.id];
    const cells = answer && typeof answer === "object" && !Array.isArray(answer) && "cells" in answer ? answer.cells : {};
    const names = answer && typeof answer === "object" && !Array.isArray(answer) && "names" in answer ? answer.names || {} : {};
    for (const row of rows) {
      const tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, names[row.id] ? `${row.label}: ${names[row.id]}` : row.label));
      for (const column of grid.columns || []) {
        const value = cells[row.id] ? cells[row.id][column.id] : undefined;
        tr.appendChild(el("td", {}, value === undefined ? "" : answerText(row, value, words)));
      }
      table.appendChild(tr);
    }
    wrap.appendChild(table);
  }
  return wrap;
}

/** The text export: shown, then shared, texted or copied as the client chooses.
 * @param {string} text @param {(number: string, body: string) => string} smsHref */
function showText(text, smsHref) {
  const box = find(".sb-fill-text");
  if (!box) return;
  box.hidden = false;
  box.textContent = "";
  const area = /** @type {HTMLTextAreaElement} */ (el("textarea", { readonly: "", rows: "8", "aria-label": t("companion.send.text") }));
  area.value = text;
  const row = el("div", { class: "sb-fill-buttons" });
  if (typeof navigator.share === "function") {
    row.appendChild(button(t("companion.send.share"), () => { navigator.share({ text }).catch(() => undefined); }));
  }
  row.appendChild(el("a", { class: "sb-button", href: smsHref("", text) }, t("companion.send.sms")));
  row.appendChild(button(t("companion.send.copy"), () => copy(text)));
  box.append(area, row);
}

/** @param {string} text */
async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    say(t("companion.send.copied"));
  } catch {
    say(text);
  }
}

/** The form's own print layout: the answers as text, then the browser's print (or "Save as PDF").
 * @param {Form} form @param {Entry} entry */
function printEntry(form, entry) {
  const old = document.querySelector(".sb-print-entry");
  if (old) old.remove();
  const sheet = el("section", { class: "sb-print-entry" });
  sheet.appendChild(el("h2", {}, `${form.title}: ${longDay(entry.date)}`));
  const list = el("dl");
  for (const field of form.fields) {
    const answer = entry.answers[field.id];
    if (answer === undefined) continue;
    list.appendChild(el("dt", {}, field.label));
    if (field.type === "grid") {
      const dd = el("dd");
      dd.appendChild(weekTable(form, { ...entry, answers: { [field.id]: answer } }, () => undefined, null));
      list.appendChild(dd);
    } else {
      list.appendChild(el("dd", {}, answerText(field, answer, words)));
    }
  }
  sheet.appendChild(list);
  if (root) root.appendChild(sheet);
  document.documentElement.classList.add("sb-printing-entry");
  window.addEventListener("afterprint", () => document.documentElement.classList.remove("sb-printing-entry"), { once: true });
  window.print();
}

/** @param {import("./types.js").Hours} hours @param {Date} at */
function withinHours(hours, at) {
  const day = ((at.getDay() + 6) % 7) + 1;
  const minutes = at.getHours() * 60 + at.getMinutes();
  const [fh, fm] = hours.from.split(":").map(Number);
  const [th, tm] = hours.to.split(":").map(Number);
  return hours.days.includes(day) && minutes >= fh * 60 + fm && minutes < th * 60 + tm;
}

/** @param {import("./types.js").Hours} hours */
function hoursText(hours) {
  const days = (words["companion.days"] || "Mon,Tue,Wed,Thu,Fri,Sat,Sun").split(",");
  return `${hours.days.map((d) => days[d - 1]).join(", ")} ${hours.from}–${hours.to}`;
}

/** The coach's details, kept on this phone. @param {Store} store @param {Coach|undefined} coach
 * @param {(coach: Coach) => void} saved */
function drawCoachForm(store, coach, saved) {
  const where = find(".sb-fill-coach-form");
  if (!where) return;
  const form = el("form", { class: "sb-coach-form" });
  /** @param {string} id @param {string} label @param {string} type @param {string} value */
  const input = (id, label, type, value) => {
    const box = el("div", { class: "sb-field" });
    const field = /** @type {HTMLInputElement} */ (el("input", { id, type, maxlength: "200" }));
    field.value = value;
    box.append(el("label", { for: id }, label), field);
    form.appendChild(box);
    return field;
  };
  const name = input("sb-coach-name", t("companion.coach.name"), "text", coach ? coach.name : "");
  const number = input("sb-coach-number", t("companion.coach.number"), "tel", coach ? coach.number : "");
  const from = input("sb-coach-from", t("companion.coach.from"), "time", coach && coach.hours ? coach.hours.from : "");
  const to = input("sb-coach-to", t("companion.coach.to"), "time", coach && coach.hours ? coach.hours.to : "");
  const days = el("fieldset", { class: "sb-field sb-options" });
  days.appendChild(el("legend", {}, t("companion.coach.days")));
  const dayNames = (words["companion.days"] || "Mon,Tue,Wed,Thu,Fri,Sat,Sun").split(",");
  /** @type {HTMLInputElement[]} */
  const boxes = [];
  dayNames.forEach((label, n) => {
    const option = el("label", { class: "sb-option" });
    const tick = /** @type {HTMLInputElement} */ (el("input", { type: "checkbox", value: String(n + 1) }));
    tick.checked = coach && coach.hours ? coach.hours.days.includes(n + 1) : n < 5;
    boxes.push(tick);
    option.append(tick, el("span", {}, label));
    days.appendChild(option);
  });
  form.appendChild(days);
  const fallback = input("sb-coach-fallback", t("companion.coach.fallback"), "text", coach && coach.fallback ? coach.fallback : "");
  form.appendChild(el("button", { type: "submit" }, t("companion.coach.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    /** @type {Coach} */
    const details = { name: name.value.trim(), number: number.value.trim() };
    if (from.value && to.value) details.hours = { days: boxes.filter((b) => b.checked).map((b) => Number(b.value)), from: from.value, to: to.value };
    if (fallback.value.trim()) details.fallback = fallback.value.trim();
    if (!isCoach(details)) {  // kept only in a shape every page can read back
      say(t("companion.coach.invalid"));
      return;
    }
    await store.setSetting("coach", details);
    say(t("companion.saved"));
    saved(details);
  });
  where.appendChild(form);
}

// ------------------------------------------------------------------------------ the list of forms

/** @param {Store} store */
async function drawHome(store) {
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
async function offerAssignment(store) {
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

// ------------------------------------------------------------------------------ what is stored

/** @param {string} selector @param {() => void|Promise<void>} action */
function bind(selector, action) {
  const target = find(selector);
  if (target && !target.dataset.bound) {
    target.dataset.bound = "true";
    target.addEventListener("click", () => { Promise.resolve(action()).catch((error) => say(String(error))); });
  }
}

/** Passcode, backup, restore and delete: on every companion page. @param {Store} store */
function bindData(store) {
  const passcode = find("[data-passcode]");
  const label = () => { if (passcode) passcode.textContent = store.protected ? t("companion.passcode.change") : t("companion.passcode.set"); };
  label();
  bind("[data-passcode]", async () => {
    if (store.protected) {
      const choice = await ask(t("companion.passcode.change"), [], [
        { text: t("companion.passcode.lock"), value: "lock" }, { text: t("companion.passcode.change"), value: "remove" }]);
      if (choice === "lock") { store.lock(); location.reload(); }
      if (choice === "remove") { await store.removePasscode(); say(t("companion.passcode.removed")); label(); }
      return;
    }
    const first = /** @type {HTMLInputElement} */ (el("input", { type: "password", id: "sb-new-passcode", autocomplete: "new-password" }));
    const again = /** @type {HTMLInputElement} */ (el("input", { type: "password", id: "sb-new-passcode-2", autocomplete: "new-password" }));
    const body = [el("p", { class: "sb-warning" }, t("companion.passcode.warning")),
      el("label", { for: "sb-new-passcode" }, t("companion.passcode.label")), first,
      el("label", { for: "sb-new-passcode-2" }, t("companion.passcode.again")), again];
    if (await ask(t("companion.passcode.set"), body, [{ text: t("companion.passcode.set"), value: "set" }]) !== "set") return;
    if (first.value.length < 4) { say(t("companion.passcode.short")); return; }
    if (first.value !== again.value) { say(t("companion.passcode.mismatch")); return; }
    await store.setPasscode(first.value);
    say(t("companion.passcode.done"));
    label();
  });
  bind('[data-export="backup"]', async () => {
    const { makeBackup } = await import("./backup.js");
    const backup = makeBackup(await store.entries(), await store.settings(), { handbook: data.handbook, created: new Date() });
    download(`skillbook-backup-${today()}.json`, "application/json", JSON.stringify(backup, null, 2));
    say(t("companion.backup.unprotected"));
  });
  const file = /** @type {HTMLInputElement|null} */ (find('[data-import="backup"]'));
  if (file) file.addEventListener("change", async () => {
    const chosen = file.files && file.files[0];
    file.value = "";
    if (chosen) await restore(store, chosen);
  });
  bind("[data-delete-all]", async () => {
    const choice = await ask(t("companion.delete.confirm"), [], [{ text: t("companion.delete.yes"), value: "yes", danger: true }]);
    if (choice !== "yes") return;
    await store.deleteEverything();
    sessionStorage.setItem("skillbook-deleted", "1");
    location.reload();
  });
  if (sessionStorage.getItem("skillbook-deleted")) {
    sessionStorage.removeItem("skillbook-deleted");
    say(t("companion.delete.done"));
  }
}

/** A backup file: checked whole, shown, restored only as the client confirms. @param {Store} store @param {File} file */
async function restore(store, file) {
  const { readBackup, planRestore } = await import("./backup.js");
  if (file.size > 5_000_000) { say(t("companion.backup.too_big")); return; }
  const read = readBackup(await file.text(), { handbook: data.handbook });
  if (!read.ok) { say(t(`companion.${read.problem}`)); return; }
  const plan = planRestore(await store.entries(), read.backup.entries);
  const count = read.backup.entries.length;
  const summary = el("p", {}, t("companion.backup.found", { count, added: plan.added.length, same: plan.same.length, conflicts: plan.conflicts.length }));
  const choices = [{ text: t("companion.backup.restore_new"), value: "add" }];
  if (plan.conflicts.length) choices.push({ text: t("companion.backup.replace"), value: "replace" });
  if (!plan.added.length && !plan.conflicts.length) { say(t("companion.backup.nothing")); return; }
  const choice = await ask(t("companion.backup.restore"), [summary], choices);
  if (choice !== "add" && choice !== "replace") return;
  const chosen = [...plan.added, ...(choice === "replace" ? plan.conflicts.map((c) => c.theirs) : [])];
  for (const entry of chosen) await store.save(entry);
  const settings = await store.settings();
  for (const [key, value] of Object.entries(read.backup.settings || {})) {
    if (value !== undefined && (choice === "replace" || settings[key] === undefined)) await store.setSetting(key, value);
  }
  sessionStorage.setItem("skillbook-restored", String(chosen.length));
  location.reload();
}

if (sessionStorage.getItem("skillbook-restored")) {
  const count = sessionStorage.getItem("skillbook-restored") || "0";
  sessionStorage.removeItem("skillbook-restored");
  queueMicrotask(() => say(t("companion.backup.restored", { count })));
}

start();
