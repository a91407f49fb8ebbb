import { test } from "node:test";
import assert from "node:assert/strict";
import { questionnaireResponse } from "../../src/skillbook/site/theme/skillbook/static/companion/fhir.js";
import { ENTRY, FORM, QUESTIONNAIRE as URL } from "./fixtures.js";

const DAYS = "http://hl7.org/fhir/days-of-week";
/** @param {string} system @param {string} code @param {string} display */
const coding = (system, code, display) => ({ valueCoding: { system, code, display } });
/** @param {string} column @param {string} label @param {object[]} rows */
const week = (column, label, rows) => ({
  linkId: "week", text: "This week", item: [{ linkId: "week._column", answer: [coding(DAYS, column, label)] }, ...rows] });
/** @param {string} row @param {string} label @param {object} answer */
const cell = (row, label, answer) => ({ linkId: `week.${row}`, text: label, answer: [answer] });

test("every field type maps to the Questionnaire's items, in the form's order", () => {
  const response = questionnaireResponse(FORM, ENTRY);
  assert.deepEqual(response, {
    resourceType: "QuestionnaireResponse",
    id: ENTRY.id,
    questionnaire: `${URL}|1.1.0`,
    status: "in-progress",
    authored: "2026-03-02T18:30:00.000Z",
    item: [
      { linkId: "what", text: "What happened?", answer: [{ valueString: "A fight with my sister" }] },
      { linkId: "story", text: "The whole story", answer: [{ valueString: "It started at dinner.\nThen it got worse." }] },
      { linkId: "count", text: "How many times", answer: [{ valueInteger: 3 }] },
      { linkId: "hours", text: "Hours slept", answer: [{ valueDecimal: 6.5 }] },
      { linkId: "free", text: "Any number", answer: [{ valueDecimal: 2 }] },
      { linkId: "strong", text: "How strong", answer: [coding(`${URL}#strong`, "8", "8")] },
      { linkId: "tried", text: "Skills tried", answer: [coding(`${URL}#tried`, "tipp", "TIPP"), coding(`${URL}#tried`, "accepts", "ACCEPTS")] },
      { linkId: "need", text: "What I need", answer: [coding(`${URL}#need`, "choose-skill", "Help choosing a skill")] },
      { linkId: "hurt", text: "Did I hurt myself?", answer: [{ valueBoolean: false }] },
      // "how" is asked only when "hurt" is yes: its stale answer is left out
      { linkId: "which", text: "Which skill helped", answer: [{ valueString: "TIPP, cold water" }] },
      { linkId: "day", text: "Day", answer: [{ valueDate: "2026-03-01" }] },
      { linkId: "at", text: "At", answer: [{ valueTime: "19:05:00" }] },
      week("mon", "Mon", [
        cell("urge", "Urge to hurt myself", coding(`${URL}#week.urge`, "3", "3")),
        cell("sad", "Sadness", coding(`${URL}#week.sad`, "5", "5")),
        cell("acted", "Hurt myself", { valueBoolean: false }),
        cell("other", "Another urge", coding(`${URL}#week.other`, "4", "4")),
      ]),
      week("tue", "Tue", [cell("urge", "Urge to hurt myself", coding(`${URL}#week.urge`, "0", "0"))]),
      week("thu", "Thu", [cell("urge", "Urge to hurt myself", coding(`${URL}#week.urge`, "5", "5 – Quite strong"))]),
      { linkId: "week.other._name", answer: [{ valueString: "Urge to run away" }] },
      { linkId: "times", text: "Times of day", item: [
        { linkId: "times._column", answer: [coding(`${URL}#times._column`, "evening", "Evening")] },
        { linkId: "times.calm", text: "Calm", answer: [{ valueBoolean: true }] }] },
      { linkId: "people", text: "People I can call", item: [
        { linkId: "people.contact", text: "People I can call", item: [
          { linkId: "people.contact.name", answer: [{ valueString: "Sam" }] },
          { linkId: "people.contact.number", answer: [{ valueString: "+44 7700 900123" }] }] },
        { linkId: "people.contact", text: "People I can call", item: [
          { linkId: "people.contact.name", answer: [{ valueString: "Jo" }] }] }] },
    ],
  });
  assert.ok(!JSON.stringify(response).includes("old-field"));
  assert.ok(!JSON.stringify(response).includes("gone-skill"));
});

test("status and id as given; a rating's anchor in its display", () => {
  const entry = { ...ENTRY, answers: { strong: 10, how: "cut", hurt: true } };
  const response = questionnaireResponse(FORM, entry, { status: "completed", id: "export-1" });
  assert.equal(response.status, "completed");
  assert.equal(response.id, "export-1");
  assert.deepEqual(response.item, [
    { linkId: "strong", text: "How strong", answer: [coding(`${URL}#strong`, "10", "10 – As strong as it gets")] },
    { linkId: "hurt", text: "Did I hurt myself?", answer: [{ valueBoolean: true }] },
    { linkId: "how", text: "How", answer: [{ valueString: "cut" }] },
  ]);
});

test("answers that no longer fit the form are left out, and nothing comes from the prototype", () => {
  const entry = { ...ENTRY, answers: {
    strong: 11, count: 2.5, need: "gone-option", what: "   ", tried: ["gone-skill"], day: "2026-02-30", at: "25:00",
    week: { cells: { urge: { mon: 1.5 } } }, people: [{ name: "", number: " " }], hurt: "yes",
  } };
  assert.equal(questionnaireResponse(FORM, entry).item, undefined);
  const form = { ...FORM, fields: [{ id: "constructor", label: "C", type: /** @type {const} */ ("text") }] };
  assert.equal(questionnaireResponse(form, { ...ENTRY, answers: {} }).item, undefined);
});
