import { test } from "node:test";
import assert from "node:assert/strict";
import { coachingMessage, fits, smsHref, textSummary } from "../../src/skillbook/site/theme/skillbook/static/companion/summary.js";
import { CARD, ENTRY, FORM, WORDS } from "./fixtures.js";

test("a text summary: title, day, each answer by label, a grid by column, gone answers marked", () => {
  assert.equal(textSummary(FORM, ENTRY, WORDS), [
    "Every field",
    "Date: 2026-03-02",
    "What happened?: A fight with my sister",
    "The whole story: It started at dinner.\nThen it got worse.",
    "How many times: 3",
    "Hours slept: 6.5",
    "Any number: 2",
    "How strong: 8/10",
    "Skills tried: TIPP, ACCEPTS, gone-skill (no longer on this form)",
    "What I need: Help choosing a skill",
    "Did I hurt myself?: no",
    "Which skill helped: TIPP, cold water",
    "Day: 2026-03-01",
    "At: 19:05",
    "This week:",
    "Mon: Urge to hurt myself 3, Sadness 5, Hurt myself: no, Urge to run away 4",
    "Tue: Urge to hurt myself 0",
    "Thu: Urge to hurt myself 5",
    "Times of day:",
    "Evening: Calm: yes",
    "People I can call: Sam +44 7700 900123; Jo",
    "old-field (no longer on this form): an answer to a field that was removed",
  ].join("\n"));
});

test("a summary shows a gone choice, and plain text stays plain text", () => {
  const entry = { ...ENTRY, answers: { need: "old-need", what: "<b>bold</b> & <script>x</script>" } };
  const text = textSummary(FORM, entry, WORDS);
  assert.ok(text.includes("What I need: old-need (no longer on this form)"));
  assert.ok(text.includes("What happened?: <b>bold</b> & <script>x</script>"));
});

const CALL = {
  ...ENTRY, form: "coaching-call-card",
  answers: { "how-strong": 8, urge: "to cut", tried: ["tipp", "accepts"], need: "choose-skill", ask: "I've tried TIPP and I'm still at 8." },
};

test("a coaching message: values only, short joiners, in the form's order", () => {
  const message = coachingMessage(CARD, CALL, WORDS);
  assert.equal(message, "At 8/10. Urge: to cut. Tried TIPP, ACCEPTS. Need: Help choosing a skill. I've tried TIPP and I'm still at 8.");
  assert.ok(fits(message));
});

test("too long: whole parts dropped, the rating, the need and the ask kept", () => {
  const long = { ...CALL, answers: { ...CALL.answers,
    "what-happened": "I had a big argument with my partner about money and I have been crying for an hour and cannot stop",
    urge: "to  drink\n a lot", after: "Go for a walk" } };
  const message = coachingMessage(CARD, long, WORDS);
  assert.ok(fits(message), message);
  for (const kept of ["At 8/10.", "Need: Help choosing a skill.", "I've tried TIPP and I'm still at 8."]) assert.ok(message.includes(kept), message);
  assert.ok(!message.includes("argument"));
  const whole = ["I had a big argument with my partner about money and I have been crying for an hour and cannot stop.",
    "At 8/10.", "Urge: to drink a lot.", "Tried TIPP, ACCEPTS.", "Need: Help choosing a skill.", "I've tried TIPP and I'm still at 8.",
    "Go for a walk."];
  let rest = message;
  for (const part of whole) if (rest.startsWith(part)) rest = rest.slice(part.length).trimStart();
  assert.equal(rest, "", `a part was cut: ${message}`);
});

test("the need is never dropped, even alone over the limit", () => {
  const need = "N".repeat(150) + " a need";
  const card = { ...CARD, fields: CARD.fields.map((f) => (f.id === "need" ? { ...f, options: [{ id: "choose-skill", label: need }] } : f)) };
  const message = coachingMessage(card, CALL, WORDS);
  assert.equal(message, `Need: ${need}.`);
  assert.ok(!fits(message));
});

test("without joiner words the values stand alone; gone options are left out of a message", () => {
  const message = coachingMessage(CARD, { ...CALL, answers: { ...CALL.answers, tried: ["gone"], need: "gone" } }, {});
  assert.equal(message, "8/10. to cut. I've tried TIPP and I'm still at 8.");
});

test("fits: one text message", () => {
  assert.ok(fits("x".repeat(160)));
  assert.ok(!fits("x".repeat(161)));
});

test("an sms: link for iOS and Android: digits and a leading plus, the body encoded", () => {
  assert.equal(smsHref("+44 (0)7700-900.123", "At 8/10. Need: help & a plan?"),
    "sms:+4407700900123?&body=At%208%2F10.%20Need%3A%20help%20%26%20a%20plan%3F");
  assert.equal(smsHref("", "hi"), "sms:?&body=hi");
  assert.equal(smsHref("0800+123", "x"), "sms:0800123?&body=x");
  assert.equal(smsHref("javascript:alert(1)//", "x"), "sms:1?&body=x");
});
