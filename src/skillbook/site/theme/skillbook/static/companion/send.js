// A form and the entry being filled in, the page's send buttons out: each way to send or keep an entry,
// only ever on the client's own tap. The code that makes each file or message loads when it is tapped.
import { button, el } from "./dom.js";
import { bind, copy, download, find, t, today, words } from "./page.js";
import { printEntry } from "./entries.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Entry} Entry */

/** Bind the text, print, FHIR and reminder buttons. `exported()` is the entry as it is sent now.
 * @param {Form} form @param {() => Entry} exported */
export function bindSending(form, exported) {
  bind('[data-export="text"]', async () => {
    const { textSummary, smsHref } = await import("./summary.js");
    showText(textSummary(form, exported(), words), smsHref);
  });
  bind('[data-export="pdf"]', () => printEntry(form, exported()));
  bind('[data-export="fhir"]', async () => {
    const { questionnaireResponse } = await import("./fhir.js");
    const entry = exported();
    const response = questionnaireResponse(form, entry, { status: "in-progress", id: entry.id });
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
