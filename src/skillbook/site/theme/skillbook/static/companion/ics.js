// A reminder's settings in, an iCalendar file (RFC 5545) out: one repeating ten-minute event with an
// alarm, for the phone's own calendar to remind the client; the file goes nowhere but the phone.
import { isDate, isTime } from "./check.js";

const CRLF = "\r\n";
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const URL_TEXT = /^https?:\/\/[^\s"<>\\^`{|}]+$/;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/**
 * TEXT (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped; the control characters
 * TEXT does not allow dropped.
 * @param {string} value
 */
function text(value) {
  const kept = [...value.replace(/\r\n?/g, "\n")].filter((c) => (c >= " " && c !== "\x7f") || c === "\t" || c === "\n");
  return kept.join("").replace(/[\\;,\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** @param {string} char  one code point @returns {number} its UTF-8 length */
function octets(char) {
  const code = /** @type {number} */ (char.codePointAt(0));
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/**
 * Lines of at most 75 octets, continued after CRLF and a space (RFC 5545 3.1), never inside a
 * character's UTF-8 bytes.
 * @param {string} line
 */
function fold(line) {
  const lines = [];
  let current = "";
  let size = 0;
  for (const char of line) {
    if (size + octets(char) > 75) {
      lines.push(current);
      current = " ";
      size = 1;
    }
    current += char;
    size += octets(char);
  }
  lines.push(current);
  return lines.join(CRLF);
}

/**
 * The first day on or after `start` that is the weekday: DTSTART must be an occurrence of the RRULE.
 * @param {string} start  "YYYY-MM-DD"
 * @param {number} weekday  1 (Monday) to 7
 */
function firstDay(start, weekday) {
  const day = new Date(`${start}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + ((weekday - (day.getUTCDay() || 7) + 7) % 7));
  return day.toISOString().slice(0, 10);
}

/**
 * @typedef {object} Reminder
 * @property {string} title  what the calendar shows
 * @property {string} url  the page to open: the fill page
 * @property {"daily"|"weekly"} frequency
 * @property {string} time  "HH:MM", the phone's local time
 * @property {number} [weekday]  weekly: 1 (Monday) to 7
 * @property {string} start  "YYYY-MM-DD"
 * @property {string} uid  the same for the same reminder, so importing it again replaces it
 * @property {Date} stamp  when the file is made
 * @property {string} alarm  what the alarm says
 * @property {string} language  BCP 47
 */

/**
 * Throws on settings that would not make a valid file.
 * @param {Reminder} reminder
 * @returns {string}
 */
export function reminderCalendar({ title, url, frequency, time, weekday, start, uid, stamp, alarm, language }) {
  const weekly = frequency === "weekly";
  if (!isTime(time) || !isDate(start) || !URL_TEXT.test(url) || !LANGUAGE.test(language)
    || (weekly && !(Number.isInteger(weekday) && Number(weekday) >= 1 && Number(weekday) <= 7))) {
    throw new Error("not a reminder");
  }
  const day = weekly ? firstDay(start, Number(weekday)) : start;
  const lines = [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//skillbook//companion//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${text(uid)}`,
    `DTSTAMP:${stamp.toISOString().replace(/[-:]|\.\d+/g, "")}`,
    // a floating time (no TZID, no Z): the calendar app puts it in the phone's own time zone, so
    // 19:00 stays 19:00 wherever the client is, and across summer time
    `DTSTART:${day.replace(/-/g, "")}T${time.replace(":", "")}00`,
    "DURATION:PT10M",
    weekly ? `RRULE:FREQ=WEEKLY;BYDAY=${DAYS[Number(weekday) - 1]}` : "RRULE:FREQ=DAILY",
    `SUMMARY;LANGUAGE=${language}:${text(title)}`,
    `DESCRIPTION;LANGUAGE=${language}:${text(`${alarm}\n${url}`)}`,
    `URL:${url}`,
    "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:PT0M", `DESCRIPTION:${text(alarm)}`, "END:VALARM",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(fold).join(CRLF) + CRLF;
}
