"""A Playwright page, a FHIR R4 Questionnaire and a QuestionnaireResponse in; what LHC-Forms shows out.

`show_in_lforms(page, questionnaire, response)` renders the Questionnaire with the response's answers in
LHC-Forms (npm `lforms`, from node_modules, nothing fetched from the network) and returns what the form
then holds:

- `answers`: linkId -> every answer value LHC-Forms exports for it, in form order (all repetitions of a
  group: a grid row has one value per day answered), from `LForms.Util.getFormFHIRData`;
- `dropped`: linkId -> the answer values of `response` that LHC-Forms does not hold (it drops, without
  a word, a Coding it cannot match, an answer to a disabled item, ...): {} when it kept every answer;
- `response`: that exported QuestionnaireResponse itself, to compare structure (group repetitions);
- `shown`: linkId -> what the form's own inputs display for it, in form order (the text of a text box,
  the label of the chosen option, "Yes"/"No" for a yes/no question): what a reader sees;
- `errors`: console errors and uncaught exceptions while LHC-Forms loaded and rendered, and the message
  LHC-Forms gives when it refuses a form.

The page is a fixed harness served (with the lforms files) by `page.route` under `<origin>/_lforms/`,
where `origin` is the page's current http origin or `base_url`, so the files are same-origin and the
browser's offline host rules never see a request leave 127.0.0.1.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Error, Page, Route

LFORMS = Path(__file__).resolve().parents[2] / "node_modules" / "lforms" / "dist" / "lforms"
PREFIX = "_lforms/"  # a folder no handbook has
TIMEOUT_MS = 30_000

# The README's "Using the LHC-Forms Web Component": styles.css, zone.min.js, runtime.js, polyfills.js,
# main.js, then one FHIR support file. The web component's scripts are modules (deferred, run in
# order); the FHIR file is deferred too so that it runs after main.js has defined window.LForms.
HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms harness</title>
<link rel="stylesheet" href="webcomponent/styles.css">
<script src="webcomponent/assets/lib/zone.min.js"></script>
<script src="webcomponent/runtime.js" type="module"></script>
<script src="webcomponent/polyfills.js" type="module"></script>
<script src="webcomponent/main.js" type="module"></script>
<script src="fhir/R4/lformsFHIR.min.js" defer></script>
</head><body><main id="form"></main></body></html>
"""

RENDER = """async ({questionnaire, response}) => {
  const element = document.getElementById('form');
  const form = LForms.Util.convertFHIRQuestionnaireToLForms(questionnaire, 'R4');
  const merged = LForms.Util.mergeFHIRDataIntoLForms('QuestionnaireResponse', response, form, 'R4');
  try {
    await LForms.Util.addFormToPage(merged, element, {});
  } catch (problems) {
    return {refused: [].concat(problems).map(String)};
  }
  return {response: LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', element), refused: []};
}"""

# What each question's inputs show. LHC-Forms renders every question as an <lhc-item> whose id is
# "item-<linkId>/<repetition>/..."; its own inputs (not those of items nested in it) hold what is
# shown: a text box's or a date picker's text, an autocomplete's chosen label, a checked radio
# button's or checkbox's label, and the chosen labels of a multi-select list (its tokens).
SHOWN = """() => {
  const shown = {};
  for (const item of document.querySelectorAll('#form lhc-item.lhc-item-question')) {
    const linkId = item.id.replace(/^item-/, '').split('/')[0];
    const own = (selector) => [...item.querySelectorAll(selector)].filter(e => e.closest('lhc-item') === item);
    const values = [];
    for (const input of own('input, textarea')) {
      if (input.type === 'radio' || input.type === 'checkbox') {
        const label = (input.closest('label') || input.parentElement).innerText.trim();
        // a yes/no question without an answer has its third button, "Not Answered", checked
        if (input.checked && label !== 'Not Answered') values.push(label);
      } else if (input.value.trim() !== '') {
        values.push(input.value.trim());
      }
    }
    for (const token of own('.autocomp_selected li')) values.push(token.innerText.replace(/^×/, '').trim());
    if (values.length) (shown[linkId] = shown[linkId] || []).push(...values);
  }
  return shown;
}"""


def show_in_lforms(page: Page, questionnaire: dict[str, Any], response: dict[str, Any], *,
                   base_url: str | None = None) -> dict[str, Any]:
    """Load LHC-Forms in `page`, render `questionnaire` with `response` merged in, read it back
    (see the module's docstring for what is returned)."""
    origin = base_url or page.url
    if urlsplit(origin).scheme not in ("http", "https"):
        raise ValueError(f"show_in_lforms needs an http page or base_url, not {origin!r}")
    parts = urlsplit(origin)
    root = f"{parts.scheme}://{parts.netloc}/{PREFIX}"
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            errors.append(f"console.{message.type}: {message.text}")

    def uncaught(error: Error) -> None:
        errors.append(f"uncaught {error}")

    page.on("console", console)
    page.on("pageerror", uncaught)
    # the route stays for the page's life: unrouting races files LHC-Forms asks for late (styles'
    # images), which would then go to the real server and fail
    page.route(root + "**", _serve(root))
    try:
        page.goto(root + "harness.html")
        page.wait_for_function("() => window.LForms?.Util && window.LForms.FHIR?.R4", timeout=TIMEOUT_MS)
        result = page.evaluate(RENDER, {"questionnaire": questionnaire, "response": response})
        shown = page.evaluate(SHOWN)
    finally:
        page.remove_listener("console", console)
        page.remove_listener("pageerror", uncaught)
    errors.extend(f"LHC-Forms refused the form: {p}" for p in result["refused"])
    exported = result.get("response") or {}
    held = answers_by_link_id(exported.get("item", []))
    dropped: dict[str, list[Any]] = {}
    for link_id, values in answers_by_link_id(response.get("item", [])).items():
        left = list(held.get(link_id, []))
        for value in values:
            if value in left:
                left.remove(value)
            else:
                dropped.setdefault(link_id, []).append(value)
    return {"answers": held, "dropped": dropped, "response": exported, "shown": shown, "errors": errors}


def answers_by_link_id(items: list[dict[str, Any]], *, codes: bool = True) -> dict[str, list[Any]]:
    """linkId -> its answer values in order, through groups and answer[].item; a Coding as its code
    (`codes`: displays may differ between what was given and what LHC-Forms exports) or as it is."""
    found: dict[str, list[Any]] = {}

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            for answer in entry.get("answer", []):
                value = next(v for k, v in answer.items() if k.startswith("value"))
                if codes and isinstance(value, dict) and "code" in value:
                    value = value["code"]
                found.setdefault(entry["linkId"], []).append(value)
                walk(answer.get("item", []))
            walk(entry.get("item", []))

    walk(items)
    return found


def _serve(root: str) -> Callable[[Route], None]:
    """The route handler: the harness page, and the lforms files below `root` (404 for anything else)."""

    def handle(route: Route) -> None:
        rel = route.request.url.removeprefix(root).split("?")[0].split("#")[0]
        if rel == "harness.html":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=HARNESS)
            return
        path = (LFORMS / rel).resolve()
        if not (path.is_relative_to(LFORMS) and path.is_file()):
            route.fulfill(status=404, content_type="text/plain", body=f"not part of lforms: {rel}")
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, path=path, content_type=kind)

    return handle
