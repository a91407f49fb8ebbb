import { test } from "node:test";
import assert from "node:assert/strict";
import { reminderCalendar } from "../../src/skillbook/site/theme/skillbook/static/companion/ics.js";

const BASE = {
  title: "Weekly diary card", url: "https://example.org/handbook/fill/weekly-diary-card.html",
  frequency: /** @type {"daily"|"weekly"} */ ("daily"), time: "19:00", start: "2026-03-04",
  uid: "weekly-diary-card-reminder@skillbook", stamp: new Date("2026-03-04T10:11:12.345Z"),
  alarm: "Time for your diary card", language: "en-GB",
};

/** @param {string} text  the lines after unfolding */
const unfolded = (text) => text.replace(/\r\n /g, "").split("\r\n");

test("a daily reminder: the calendar, one event, a floating start, an alarm", () => {
  const text = reminderCalendar(BASE);
  assert.ok(text.endsWith("\r\n"));
  assert.ok(!/[^\r]\n/.test(text), "every line ends with CRLF");
  assert.deepEqual(unfolded(text), [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//skillbook//companion//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    "UID:weekly-diary-card-reminder@skillbook",
    "DTSTAMP:20260304T101112Z",
    "DTSTART:20260304T190000",
    "DURATION:PT10M",
    "RRULE:FREQ=DAILY",
    "SUMMARY;LANGUAGE=en-GB:Weekly diary card",
    "DESCRIPTION;LANGUAGE=en-GB:Time for your diary card\\nhttps://example.org/handbook/fill/weekly-diary-card.html",
    "URL:https://example.org/handbook/fill/weekly-diary-card.html",
    "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:PT0M", "DESCRIPTION:Time for your diary card", "END:VALARM",
    "END:VEVENT", "END:VCALENDAR", "",
  ]);
});

test("a weekly reminder starts on its weekday, on or after the start day", () => {
  const lines = (/** @type {number} */ weekday) => unfolded(reminderCalendar({ ...BASE, frequency: "weekly", weekday }));
  // 2026-03-04 is a Wednesday
  assert.ok(lines(3).includes("DTSTART:20260304T190000") && lines(3).includes("RRULE:FREQ=WEEKLY;BYDAY=WE"));
  assert.ok(lines(1).includes("DTSTART:20260309T190000") && lines(1).includes("RRULE:FREQ=WEEKLY;BYDAY=MO"));
  assert.ok(lines(7).includes("DTSTART:20260308T190000") && lines(7).includes("RRULE:FREQ=WEEKLY;BYDAY=SU"));
  assert.ok(lines(4).includes("DTSTART:20260305T190000") && lines(4).includes("RRULE:FREQ=WEEKLY;BYDAY=TH"));
});

test("TEXT escaping: backslash, semicolon, comma, newlines; control characters dropped", () => {
  const text = reminderCalendar({ ...BASE, title: "a\\b;c,d\ne\r\nf\rg\u0007h\ti" });
  assert.ok(unfolded(text).includes("SUMMARY;LANGUAGE=en-GB:a\\\\b\\;c\\,d\\ne\\nf\\ng" + "h\ti"));
});

test("long lines fold at 75 octets, never inside a character", () => {
  const title = "Tägliche Erinnerung: 日記カード 🌙 ".repeat(12);
  const text = reminderCalendar({ ...BASE, title });
  for (const line of text.split("\r\n")) {
    assert.ok(Buffer.byteLength(line, "utf8") <= 75, line);
    assert.ok(!line.includes("\uFFFD") && Buffer.from(line, "utf8").toString("utf8") === line);
    assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(line), "a surrogate pair split");
  }
  assert.ok(text.split("\r\n").some((line) => Buffer.byteLength(line, "utf8") >= 72), "lines are filled");
  assert.ok(unfolded(text).includes(`SUMMARY;LANGUAGE=en-GB:${title}`));
});

test("settings that would not make a valid file are refused", () => {
  for (const bad of [{ time: "7pm" }, { start: "2026-02-30" }, { url: "javascript:alert(1)" }, { url: "https://x/\r\nATTACH:evil" },
    { language: "en\r\nX" }, { frequency: "weekly" }, { frequency: "weekly", weekday: 8 }]) {
    assert.throws(() => reminderCalendar(/** @type {any} */ ({ ...BASE, ...bad })), /not a reminder/, JSON.stringify(bad));
  }
});
