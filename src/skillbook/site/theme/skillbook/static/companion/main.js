// A companion page (its JSON block) and the browser's storage in, the page the client uses out: the
// form filled in and saved as they type, their entries (one day at a time for a week form), and their
// own plan or card read first. Nothing here sends anything: exports are files and messages the client
// sends (send.js), and what is kept on the phone has its own controls (keeping.js).
import { coachPanel } from "./coach.js";
import { button, el } from "./dom.js";
import { firstText, weekTable } from "./entries.js";
import { drawForm, fromDay, isWeekForm, mondayOf, shownAnswers, toDay } from "./form.js";
import { bindData, lockedControls, showData, showPersist, unlockFirst } from "./keeping.js";
import { ask, data, find, longDay, newEntry, now, root, say, t, today, words } from "./page.js";
import { drawOwnCard, drawPlan } from "./plan.js";
import { bindSending } from "./send.js";
import { Store } from "./store.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Assignment} Assignment */
/** @typedef {import("./types.js").Coach} Coach */

async function start() {
  if (!root) return;
  let store;
  try {
    store = await Store.open();
  } catch {
    say(t("companion.unavailable"));  // no storage (a private window in some browsers): say so, draw nothing
    root.dataset.ready = "unavailable";
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
  // what only some pages need is loaded there: the therapist's link, the list page, the coaching card
  if (location.hash.startsWith("#assign=")) await (await import("./assigned.js")).offerAssignment(store);
  if (data.form) await drawFill(store, data.form);
  else await (await import("./assigned.js")).drawHome(store);
  showData();  // below the form, once it is drawn: shown earlier, the form would push it down the screen
  root.dataset.ready = "true";
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
  /** @type {Coach|undefined} */
  const coach = /** @type {Coach|undefined} */ (settings.coach) || (assignment && assignment.coach);
  let updateCoach = () => {};  // the coaching card's message follows the answers (set once the entry is open)

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
    const dateField = week ? form.fields.find((f) => f.type === "date") : undefined;
    drawForm(area, form, entry, {
      words, crisis: data.crisis, tracked, day: week ? dayColumn(day) : undefined,
      fixed: dateField ? { id: dateField.id, text: longDay(entry.date) } : undefined,  // the week is the entry's
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

  // ---- sending (only ever by the client's own tap), and the coaching call's message
  function showSend() {
    const send = find(".sb-fill-send");
    if (send) send.hidden = !stored;
  }
  const exported = () => ({ ...entry, version: form.version, answers: shownAnswers(form, entry.answers) });
  bindSending(form, exported);
  // drawn in the same step as the form, so nothing moves once the page shows
  if (find(".sb-fill-coach")) updateCoach = coachPanel(store, form, exported, coach);
}

start();
