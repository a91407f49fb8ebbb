// Forms and entries shared by the companion's unit tests: every field type, as the bundle gives them.

/** @typedef {import("../../src/skillbook/site/theme/skillbook/static/companion/types.js").Form} Form */
/** @typedef {import("../../src/skillbook/site/theme/skillbook/static/companion/types.js").Entry} Entry */

export const QUESTIONNAIRE = "urn:skillbook:test-handbook:questionnaire:every-field";

const WEEK = [["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"], ["sat", "Sat"], ["sun", "Sun"]]
  .map(([id, label], i) => ({ id, label, iso_weekday: i + 1 }));

/** Every one of the 11 field types; a week grid with a write-in row; contacts; show_if. @type {Form} */
export const FORM = {
  id: "every-field",
  title: "Every field",
  type: "worksheet",
  frequency: "daily",
  version: "1.2.0",
  language: "en-GB",
  questionnaire: QUESTIONNAIRE,
  fields: [
    { id: "what", label: "What happened?", type: "text", required: true, help: "A line is plenty." },
    { id: "story", label: "The whole story", type: "long_text" },
    { id: "count", label: "How many times", type: "number", min: 0, max: 20 },
    { id: "hours", label: "Hours slept", type: "number", min: 0, max: 12.5 },
    { id: "free", label: "Any number", type: "number" },
    { id: "strong", label: "How strong", type: "rating", min: 0, max: 10, anchors: { 0: "Calm", 10: "As strong as it gets" } },
    { id: "tried", label: "Skills tried", type: "checklist", options: [
      { id: "stop", label: "STOP", skill: "stop" }, { id: "tipp", label: "TIPP", skill: "tipp" },
      { id: "accepts", label: "ACCEPTS" }] },
    { id: "need", label: "What I need", type: "choice", required: true, options: [
      { id: "choose-skill", label: "Help choosing a skill" }, { id: "stay-safe", label: "Help staying safe" }] },
    { id: "hurt", label: "Did I hurt myself?", type: "yes_no" },
    { id: "how", label: "How", type: "text", show_if: { field: "hurt", answer: true } },
    { id: "which", label: "Which skill helped", type: "text", show_if: { field: "tried", answer: "tipp" } },
    { id: "day", label: "Day", type: "date" },
    { id: "at", label: "At", type: "time" },
    { id: "week", label: "This week", type: "grid", columns: WEEK, rows: [
      { id: "urge", label: "Urge to hurt myself", type: "rating", min: 0, max: 10, anchors: { 5: "Quite strong" } },
      { id: "sad", label: "Sadness", type: "rating", min: 0, max: 10 },
      { id: "acted", label: "Hurt myself", type: "yes_no" },
      { id: "what-used", label: "What I used", type: "text" },
      { id: "drinks", label: "Drinks", type: "number" },
      { id: "other", label: "Another urge", type: "rating", min: 0, max: 5, write_in: true }] },
    { id: "times", label: "Times of day", type: "grid", columns: [{ id: "morning", label: "Morning" }, { id: "evening", label: "Evening" }],
      rows: [{ id: "calm", label: "Calm", type: "yes_no" }] },
    { id: "people", label: "People I can call", type: "contacts", blanks: 3, crisis_services: true },
  ],
};

/** @type {Entry} */
export const ENTRY = {
  id: "0b1e4c1e-2f60-4a5e-9d7a-4f0a3b9c1d2e",
  form: "every-field",
  version: "1.1.0",
  date: "2026-03-02",
  created: "2026-03-02T18:00:00.000Z",
  updated: "2026-03-02T18:30:00.000Z",
  answers: {
    what: "A fight with my sister",
    story: "It started at dinner.\nThen it got worse.",
    count: 3,
    hours: 6.5,
    free: 2,
    strong: 8,
    tried: ["tipp", "accepts", "gone-skill"],
    need: "choose-skill",
    hurt: false,
    how: "stale answer: hurt is now false",
    which: "TIPP, cold water",
    day: "2026-03-01",
    at: "19:05",
    week: {
      cells: {
        urge: { mon: 3, tue: 0, thu: 5 },
        sad: { mon: 5 },
        acted: { mon: false },
        "what-used": { wed: "" },
        other: { mon: 4 },
        gone: { mon: 1 },
      },
      names: { other: "Urge to run away" },
    },
    times: { cells: { calm: { evening: true } } },
    people: [{ name: "Sam", number: "+44 7700 900123" }, { name: "", number: "" }, { name: "Jo", number: "" }],
    "old-field": "an answer to a field that was removed",
  },
};

/** The coaching call card's fields (content/homework/coaching-call-card.md). @type {Form} */
export const CARD = {
  id: "coaching-call-card", title: "Coaching call card", type: "coaching-card", frequency: "as-needed",
  version: "1.0.0", language: "en-GB", questionnaire: "urn:skillbook:test-handbook:questionnaire:coaching-call-card",
  fields: [
    { id: "what-happened", label: "What is happening?", type: "text", required: true },
    { id: "how-strong", label: "How strong is it right now?", type: "rating", min: 0, max: 10, required: true },
    { id: "urge", label: "What do I feel like doing?", type: "text" },
    { id: "tried", label: "What have I tried already?", type: "checklist", options: [
      { id: "stop", label: "STOP" }, { id: "tipp", label: "TIPP" }, { id: "accepts", label: "ACCEPTS" }] },
    { id: "need", label: "What do I need from the call?", type: "choice", required: true, options: [
      { id: "choose-skill", label: "Help choosing a skill" }, { id: "stay-safe", label: "Help staying safe right now" }] },
    { id: "ask", label: "My request in one sentence", type: "text" },
    { id: "after", label: "What I will do as soon as the call ends", type: "text" },
  ],
};

export const WORDS = {
  "companion.gone": "(no longer on this form)",
  "companion.yes": "yes",
  "companion.no": "no",
  "companion.date_line": "Date: {date}",
  "companion.message.how-strong": "At {value}",
  "companion.message.urge": "Urge: {value}",
  "companion.message.tried": "Tried {value}",
  "companion.message.need": "Need: {value}",
};

/**
 * A valid entry, changed by `changes`.
 * @param {Partial<Entry>} [changes]
 * @returns {Entry}
 */
export function entry(changes = {}) {
  return {
    id: "e1", form: "weekly-diary-card", version: "2.0.0", date: "2026-03-02",
    created: "2026-03-02T18:00:00.000Z", updated: "2026-03-02T18:00:00.000Z",
    answers: { mood: "a secret answer", rating: 4 }, ...changes,
  };
}
