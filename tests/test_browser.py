"""Every lesson in a real browser: JupyterLab + headless Debian Chromium.

For each ``notebooks/NN_topic.ipynb`` (found at run time), served from a stripped
copy by a throw-away JupyterLab on 127.0.0.1, this opens the lesson in headless
Chromium (Playwright driving ``/usr/bin/chromium``), runs all cells and checks:

* every code cell finishes (kernel idle, an execution count on every code cell) and
  no cell shows an error or a traceback;
* every widget cell renders at least one ``.cnn-widget`` with ``.jupyter-widgets``
  controls and a ``.cnn-widget-view``;
* every slider of every widget changes what the widget shows (its view's HTML or its
  picture), and the impossible settings of ``tests/browser_cases.py`` show the
  widget's ``.cnn-widget-message`` and no traceback (page, cell or kernel log);
* the lesson's main widget is screenshotted to ``test-artifacts/browser/NN_topic.png``
  (and, after an impossible setting, ``NN_topic-impossible-K.png``);
* where ``tests/browser_cases.py`` lists digits to draw (lesson 06's "CNN at work"),
  each is drawn with the mouse on the widget's canvas (the canvas cleared in
  between): the widget must then predict that digit, and its probabilities, its
  feature maps and its picture must have changed; screenshot
  ``NN_topic-draw-K-LABEL.png`` after each, and ``NN_topic.png`` shows the last one.

Without Debian's chromium (``apt-get install chromium``) the test is skipped and says
why. ``CNN_COURSE_BROWSER_LESSONS=/some/folder`` points it at other notebooks (used to
develop the harness); ``CNN_COURSE_CHROMIUM`` at another chromium binary.
"""
from __future__ import annotations

import os
import pathlib
import time

import pytest

from _browser_support import (
    ARTIFACTS,
    CANVAS_SELECTOR,
    CHROMIUM_ARGS,
    ROOT,
    VIEWPORT,
    LabServer,
    LessonFailure,
    LessonPage,
    copy_lessons,
    find_chromium,
    lesson_paths,
)
from browser_cases import CASES, SCRATCH_CASES, Case

_OVERRIDE = os.environ.get("CNN_COURSE_BROWSER_LESSONS")
LESSONS_DIR = pathlib.Path(_OVERRIDE).resolve() if _OVERRIDE else ROOT / "notebooks"
LESSON_CASES = SCRATCH_CASES if _OVERRIDE else CASES
LESSONS = [p.stem for p in lesson_paths(LESSONS_DIR)]

#: Seconds. Generous: the CI machine may have two cores shared with other jobs.
#: CNN_COURSE_BROWSER_TIMEOUT_SCALE=2 doubles them (a slow machine).
_SCALE = float(os.environ.get("CNN_COURSE_BROWSER_TIMEOUT_SCALE", "1"))
TIMEOUTS = {
    name: seconds * _SCALE
    for name, seconds in {
        "open": 90,  # JupyterLab page loaded, notebook opened
        "kernel": 90,  # kernel started and idle
        "run_all": 240,  # all cells of one lesson
        "render": 30,  # widgets drawn after the run
        "step": 20,  # one widget change handled by the kernel and redrawn
    }.items()
}


@pytest.fixture(scope="session")
def chromium():
    path, why = find_chromium()
    if path is None:
        pytest.skip(f"browser test skipped: {why}")
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is in requirements.txt
        pytest.skip(f"browser test skipped: the playwright package is missing ({exc})")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001
        pw.stop()
        why = " ".join(str(exc).split())[:400]
        pytest.skip(f"browser test skipped: {chromium} could not be launched: {why}")
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-lab")
    copy_lessons(LESSONS_DIR, work / "lessons")
    server = LabServer(work / "lessons", work)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def context(browser, lab):
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return ARTIFACTS


def _show(cell: dict) -> str:
    return f"cell {cell['index']}:\n    " + cell["source"].replace("\n", "\n    ")


def _moved(start: dict, now: dict) -> bool:
    """The view shows something else, and no new message came with it."""
    return now["view"] != start["view"] and now["message"] in ("", start["message"])


def _describe(start: dict, now: dict, what: str) -> str:
    return (
        f"{what}: view {'changed' if now['view'] != start['view'] else 'unchanged'}"
        + (f", message {now['message']!r}" if now["message"] else "")
    )


def _exercise(lp: LessonPage, root, ctl: dict) -> str | None:
    """Change one control as a student would until the view changes; put it back.
    Returns None when the view changed, else what was seen."""
    kind, loc = ctl["kind"], lp.control(root, ctl)
    start = lp.signature(root)
    seen: list[str] = []
    if kind == "slider":
        # the ends first (End, Home); from Home one step up, for sliders whose
        # far end is an impossible setting and whose first value is the minimum
        for key in ("End", "Home", "ArrowRight"):
            n = lp.idle_count()
            if not lp.press_slider(loc, key):
                seen.append(f"{key}: the slider did not move")
                continue
            now = lp.settle(root, n)
            value = loc.locator(".widget-readout").inner_text().strip()
            if _moved(start, now):
                break
            seen.append(_describe(start, now, f"{key} -> {value}"))
        else:
            now = None
    elif kind in ("dropdown", "toggle"):
        for option in [o for o in ctl["options"] if o != ctl["value"]][:4]:
            now = lp.change(root, lambda: lp.set_value(root, ctl, option))
            if _moved(start, now):
                break
            seen.append(_describe(start, now, repr(option)))
        else:
            now = None
    elif kind == "checkbox":
        now = lp.change(root, lambda: lp.set_value(root, ctl, not ctl["value"]))
        if not _moved(start, now):
            seen.append(_describe(start, now, "ticked" if not ctl["value"] else "unticked"))
            now = None
    else:
        return None
    moved = now is not None
    if kind != "slider" or ctl.get("readout"):
        back = lp.change(root, lambda: lp.set_value(root, ctl, ctl["value"]))
        if back["message"] and not start["message"]:
            seen.append(f"put back to {ctl['value']!r}, it still shows the message {back['message']!r}")
            moved = False
    return None if moved else "; ".join(seen)


def _exercise_play(lp: LessonPage, root, ctl: dict) -> str | None:
    """Press play: the view must change while it plays; then stop."""
    buttons = lp.control(root, ctl).locator("button")
    start = lp.signature(root)
    buttons.nth(0).click()
    deadline = time.monotonic() + TIMEOUTS["step"]
    moved = False
    while time.monotonic() < deadline and not moved:
        time.sleep(0.3)
        moved = lp.signature(root)["view"] != start["view"]
    n = lp.idle_count()
    buttons.nth(1).click()  # stop
    lp.settle(root, n)
    return None if moved else f"the view did not change within {TIMEOUTS['step']:.0f} s of pressing play"


def _draw_digits(lp: LessonPage, case: Case, roots: list, lesson: str, artifacts, problems: list, done: list) -> None:
    """Draw each of ``case.draw`` on the canvas; check prediction and change."""
    if case.draw_widget is None:  # the first widget with a canvas
        which = next((n for n, (ci, k, _) in enumerate(roots)
                      if lp.roots(ci).nth(k).locator(CANVAS_SELECTOR).count()), case.main)
    else:
        which = case.draw_widget
    if which >= len(roots):
        problems.append(f"browser_cases.py says digits are drawn on widget {which}; there are {len(roots)}")
        return
    ci, k, _ = roots[which]
    root = lp.roots(ci).nth(k)
    canvas = lp.canvas(root)
    if canvas is None:
        problems.append(f"widget {which} (cell {ci}) shows no drawing canvas ({CANVAS_SELECTOR}) "
                        f"within {TIMEOUTS['render']:.0f} s")
        return
    before, sig = lp.prediction(root), lp.signature(root)
    if before is None:
        problems.append(f"widget {which} (cell {ci}) has no [data-prediction] element to read its prediction from")
        return
    seen = []
    for m, (label, strokes) in enumerate(case.draw):
        what = f"widget {which} (cell {ci}): drawing a {label!r}"
        if m:
            n = lp.idle_count()
            lp.clear_canvas(root)
            lp.settle(root, n)
        n = lp.idle_count()
        lp.draw(canvas, strokes)
        now_sig = lp.settle(root, n)
        now = lp.prediction(root) or {}
        if now.get("prediction") != str(label):
            problems.append(f"{what}: the widget predicts {now.get('prediction')!r} ({now.get('text', '')!r}); "
                            f"probabilities {now.get('probabilities')}")
        if now.get("probabilities") == before["probabilities"]:
            problems.append(f"{what}: the probabilities did not change ({before['probabilities']})")
        if now.get("stages") == before["stages"]:
            problems.append(f"{what}: the feature maps did not change ({before['stages']})")
        if now_sig["view"] == sig["view"]:
            problems.append(f"{what}: the picture did not change")
        if now_sig["message"]:
            problems.append(f"{what}: the widget shows the message {now_sig['message']!r}")
        for err in lp.new_kernel_errors():
            problems.append(f"{what} made the kernel send {err}")
        lp.blur()
        root.screenshot(path=str(artifacts / f"{lesson}-draw-{m}-{label}.png"))
        root.screenshot(path=str(artifacts / f"{lesson}.png"))
        seen.append(f"{label!r} -> {now.get('prediction')!r}")
        before, sig = now or before, now_sig
    done.append("drew " + ", ".join(seen))


@pytest.mark.parametrize(
    "lesson",
    LESSONS or [pytest.param("none", marks=pytest.mark.skip(reason=f"no lessons in {LESSONS_DIR}"))],
)
def test_lesson_in_browser(lesson, lab, context, artifacts, record_property):
    case: Case = LESSON_CASES.get(lesson, Case())
    started = time.monotonic()
    page = context.new_page()
    lp = LessonPage(page, lab, f"{lesson}.ipynb", TIMEOUTS)
    log_offset = lab.log_size()
    problems: list[str] = []
    done: list[str] = []
    roots = []  # (cell index, k within the cell, what was found)
    try:
        lp.open()
        opened = time.monotonic()
        state = lp.run_all()
        code = [c for c in state["cells"] if not c["empty"]]
        done.append(f"opened in {opened - started:.0f} s, ran {len(code)} code cells in {time.monotonic() - opened:.0f} s")

        # ---- every cell ran, none failed
        errored = [c for c in code if c["errors"]]
        if errored:
            lp.fail("error output in " + "\n".join(f"{_show(c)}\n  shows:\n{c['errors'][0]}" for c in errored))
        unfinished = [c for c in code if c["count"] is None]
        if unfinished:
            lp.fail("code cells without an execution count after run-all: " + ", ".join(_show(c) for c in unfinished))
        for c in code:
            for p in lp.cell_problems(c["index"]):
                problems.append(f"{_show(c)}\n  shows {p}")
        for err in lp.new_kernel_errors():
            if "execute_request" not in err:  # those are the cells' errors, reported above
                problems.append(f"while running the cells the kernel sent {err}")

        # ---- every widget renders
        for c in (c for c in code if c["widget"]):
            cell = lp.wait_for_widgets(c["index"])
            found = cell["roots"]
            if cell["loose"]:
                problems.append(
                    f"widget {_show(c)}\n  has controls outside any .cnn-widget ({', '.join(cell['loose'])}): "
                    "a course widget's root box needs the CSS class cnn-widget (CONTRIBUTING.md)"
                )
            if not found:
                if not cell["widgets"]:
                    problems.append(
                        f"widget {_show(c)}\n  renders no widget within {TIMEOUTS['render']:.0f} s; "
                        f"it shows: {cell['text']!r}"
                    )
                continue  # a display-only widget (a progress bar): nothing to move
            for k, w in enumerate(found):
                where = f"widget {k} of {_show(c)}\n "
                if not w["jupyterWidgets"] or not (set(w["controls"]) - {"widget-html", "widget-image", "widget-output"}):
                    problems.append(f"{where} has no controls (found {w['controls']})")
                if not w["views"]:
                    problems.append(f"{where} has no .cnn-widget-view")
                elif not all(a > 0 and b > 0 for a, b in w["viewSizes"]):
                    problems.append(f"{where} has an empty .cnn-widget-view (sizes {w['viewSizes']})")
                if w["width"] <= 0 or w["height"] <= 0:
                    problems.append(f"{where} is not visible (size {w['width']}x{w['height']})")
                if not w["messages"]:
                    problems.append(f"{where} has no .cnn-widget-message")
                roots.append((c["index"], k, w))
        done.append(f"{len(roots)} widgets rendered")

        # ---- the main widget, as a student first sees it
        if roots:
            if case.main >= len(roots):
                problems.append(f"browser_cases.py says widget {case.main} is the main one; there are {len(roots)}")
            else:
                ci, k, _ = roots[case.main]
                lp.roots(ci).nth(k).screenshot(path=str(artifacts / f"{lesson}.png"))

        # ---- every slider (dropdown, toggle, checkbox, play) changes what its widget shows
        for n, (ci, k, w) in enumerate(roots):
            root = lp.roots(ci).nth(k)
            moved = []
            plays = []
            for ctl in lp.controls(root):
                name = f"{ctl['kind']} {ctl['description'] or ctl['idx']!r}"
                if ctl["kind"] == "play":
                    plays.append(ctl)
                    continue
                if ctl["disabled"] or ctl["description"] in case.still:
                    continue
                # re-read: an earlier control may have changed this one's value or range
                now = next(c for c in lp.controls(root) if (c["kind"], c["idx"]) == (ctl["kind"], ctl["idx"]))
                if now["disabled"]:
                    continue
                seen = _exercise(lp, root, now)
                if seen:
                    problems.append(f"widget {n} (cell {ci}): changing the {name} (at {now['value']!r}) "
                                    f"never changed the view: {seen}")
                elif seen is None and now["kind"] in ("slider", "dropdown", "toggle", "checkbox"):
                    moved.append(name)
                for err in lp.new_kernel_errors():
                    problems.append(f"widget {n} (cell {ci}): changing the {name} made the kernel send {err}")
            for ctl in plays:
                if not ctl["disabled"]:
                    seen = _exercise_play(lp, root, ctl)
                    if seen:
                        problems.append(f"widget {n} (cell {ci}): play: {seen}")
                    else:
                        moved.append("play")
                    for err in lp.new_kernel_errors():
                        problems.append(f"widget {n} (cell {ci}): playing made the kernel send {err}")
            done.append(f"widget {n} (cell {ci}): changed the view with " + (", ".join(moved) or "nothing"))

        # ---- impossible settings show the message, and the widget recovers
        for m, imp in enumerate(case.impossible):
            if imp.widget >= len(roots):
                problems.append(f"impossible setting {imp.values}: there is no widget {imp.widget}")
                continue
            ci, k, _ = roots[imp.widget]
            root = lp.roots(ci).nth(k)
            start = lp.signature(root)
            undo = []
            for description, value in imp.values.items():
                ctl = lp.find_control(root, description)
                undo.append((ctl, ctl["value"]))
                now = lp.change(root, lambda: lp.set_value(root, ctl, value))
            what = f"widget {imp.widget} (cell {ci}): the impossible setting {imp.values}" + (
                f" ({imp.why})" if imp.why else ""
            )
            if not now["message"]:
                problems.append(f"{what} shows no .cnn-widget-message (readouts {now['readouts']})")
            else:
                done.append(f"impossible {imp.values}: message {now['message']!r}")
            for p in lp.cell_problems(ci):
                problems.append(f"{what}: the cell shows {p}")
            lp.blur()
            root.screenshot(path=str(artifacts / f"{lesson}-impossible-{m}.png"))
            for ctl, value in reversed(undo):
                back = lp.change(root, lambda: lp.set_value(root, ctl, value))
            if back["message"] != start["message"]:
                problems.append(f"{what}: put back, the widget still shows {back['message']!r}")
            for err in lp.new_kernel_errors():
                problems.append(f"{what} made the kernel send {err}")
        if roots and not case.impossible:
            done.append("no impossible setting listed in tests/browser_cases.py")

        # ---- digits drawn with the mouse on the canvas are recognised
        if case.draw:
            _draw_digits(lp, case, roots, lesson, artifacts, problems, done)

        # ---- no traceback anywhere else: kernel messages, server log, page
        for err in lp.new_kernel_errors():
            problems.append(f"the kernel sent {err}")
        log = lab.log_since(log_offset)
        if "Traceback" in log:
            problems.append("the server log shows a traceback:\n" + log[max(0, log.index("Traceback") - 300):][:3000])
        if lp.page_errors:
            problems.append("the page raised: " + "; ".join(lp.page_errors[:5]))
    except LessonFailure as exc:
        fatal = str(exc)
    else:
        fatal = None
    finally:
        page.close()
        lab.shutdown_kernels()
        done.append(f"{time.monotonic() - started:.0f} s in all")
        record_property("browser", "; ".join(done))
        print(f"{lesson}: " + "; ".join(done))
    if fatal:
        pytest.fail(fatal, pytrace=False)
    if problems:
        pytest.fail(f"{lesson}:\n- " + "\n- ".join(problems), pytrace=False)
