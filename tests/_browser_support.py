"""Machinery of the browser test (``tests/test_browser.py``): a throw-away JupyterLab
server, headless Debian Chromium through Playwright, and a driver for one lesson
page (run all cells, inspect cells and widgets, move sliders, take screenshots).

Nothing here writes into the repository except screenshots under
``test-artifacts/browser/``: the lessons are served from a stripped copy in a
temporary folder, and every Jupyter setting, workspace, runtime and kernelspec
folder is temporary too.
"""
from __future__ import annotations

import json
import re
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"

#: Debian's chromium launcher (never a browser downloaded by Playwright).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium",)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def lesson_paths(folder: pathlib.Path) -> list[pathlib.Path]:
    """Every lesson ``NN_topic.ipynb`` in ``folder``, in order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


# --------------------------------------------------------------------------- chromium


def find_chromium() -> tuple[str | None, str]:
    """(path, "") of Debian's chromium, or (None, why it is unusable)."""
    override = os.environ.get("CNN_COURSE_CHROMIUM")
    candidates = (override,) if override else CHROMIUM_CANDIDATES
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path, ""
    return None, (
        f"Debian's chromium was not found at {', '.join(c for c in candidates if c)} "
        "(install it with `apt-get install chromium`; .ci/run does this on CI)"
    )


# --------------------------------------------------------------------------- lessons copy


def copy_lessons(src: pathlib.Path, dst: pathlib.Path) -> list[pathlib.Path]:
    """Copy the lesson folder to ``dst`` (everything but checkpoints), stripping the
    lessons' stored outputs, execution counts and widget state, so that what the
    browser shows afterwards can only come from running them now."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    lessons = lesson_paths(dst)
    for path in lessons:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, path)
    return lessons


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_json(path: pathlib.Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


#: Throw-away user settings: render every cell (no windowing), no news or update
#: checks, no autosave (the served copy is never written), no extension manager.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


class LabServer:
    """JupyterLab on 127.0.0.1 (a free port, a random token), in ``workdir``'s
    throw-away folders, serving ``root_dir``; kernels run this interpreter."""

    def __init__(self, root_dir: pathlib.Path, workdir: pathlib.Path):
        self.root_dir = pathlib.Path(root_dir)
        self.workdir = pathlib.Path(workdir)
        self.token = secrets.token_hex(24)
        self.port = None
        self.proc = None
        self.log_path = self.workdir / "jupyterlab.log"
        self._log = None
        self._descendants: dict = {}

    # ------------------------------------------------------------------ set-up
    def _environment(self) -> dict:
        w = self.workdir
        settings = w / "user-settings"
        for name, data in LAB_SETTINGS.items():
            _write_json(settings / name, data)
        kernels = w / "jupyter-path" / "kernels" / "python3"
        _write_json(
            kernels / "kernel.json",
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            },
        )
        env = dict(os.environ)
        for var in ("JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH", "JUPYTER_TOKEN", "JUPYTER_PORT"):
            env.pop(var, None)
        env.update(
            JUPYTER_CONFIG_DIR=str(w / "config"),
            JUPYTER_DATA_DIR=str(w / "data"),
            JUPYTER_RUNTIME_DIR=str(w / "runtime"),
            JUPYTER_PATH=str(w / "jupyter-path"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(w / "workspaces"),
            IPYTHONDIR=str(w / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
            MPLBACKEND="module://matplotlib_inline.backend_inline",
            PYTHONDONTWRITEBYTECODE="1",
            # the working tree's helpers, whatever is installed
            PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p]),
        )
        for d in ("config", "data", "runtime", "workspaces", "ipython"):
            (w / d).mkdir(parents=True, exist_ok=True)
        return env

    def _command(self) -> list[str]:
        root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return [
            sys.executable,
            "-m",
            "jupyterlab",
            *root,
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.terminals_enabled=False",
            "--ServerApp.allow_remote_access=False",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={self.workdir / 'user-settings'}",
            f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
            "--LabApp.extension_manager=readonly",
            "--LanguageServerManager.autodetect=False",
            "--MappingKernelManager.cull_idle_timeout=0",
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        if method in ("POST", "PUT", "PATCH"):
            req.data = b""
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(lines[-n:])

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def start(self, timeout: float = 120) -> None:
        env = self._environment()
        for attempt in range(3):
            self.port = _free_port()
            self._log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                self._command(),
                cwd=self.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    self.api("GET", "/api/status", timeout=5)
                    return
                except (urllib.error.URLError, ConnectionError, OSError):
                    time.sleep(0.5)
            else:
                self.stop()
                raise RuntimeError(
                    f"JupyterLab did not answer on {self.url} within {timeout:.0f} s; "
                    f"its log ends:\n{self.log_tail()}"
                )
            # exited early: maybe the port was taken in between; try another
            self._log.close()
            if "already in use" not in self.log_tail(20) or attempt == 2:
                raise RuntimeError(
                    f"JupyterLab exited with {self.proc.returncode} while starting; its log ends:\n"
                    f"{self.log_tail()}"
                )

    # ------------------------------------------------------------------ tear-down
    def _remember_descendants(self) -> None:
        if self.proc is None:
            return
        try:
            import psutil

            for child in psutil.Process(self.proc.pid).children(recursive=True):
                # psutil.Process remembers the start time: never signals a reused pid
                self._descendants.setdefault(child.pid, child)
        except Exception:  # noqa: BLE001 - best effort; psutil comes with ipykernel
            pass

    def shutdown_kernels(self) -> None:
        """Shut down every kernel the browser started (keeps the server)."""
        self._remember_descendants()
        try:
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
        except Exception:  # noqa: BLE001 - stop() cleans up whatever remains
            pass

    def stop(self) -> None:
        """Stop the server and every process it started; leaves no orphans."""
        if self.proc is None:
            return
        self._remember_descendants()
        if self.proc.poll() is None:
            try:
                self.api("POST", "/api/shutdown", timeout=10)
            except Exception:  # noqa: BLE001
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    pass
        # kernels live in their own process groups: end the ones we saw, by pid
        try:
            import psutil

            procs = [p for p in self._descendants.values() if p.is_running()]
            for p in procs:
                try:
                    p.terminate()
                except psutil.NoSuchProcess:
                    pass
            _, alive = psutil.wait_procs(procs, timeout=5)
            for p in alive:
                try:
                    p.kill()
                except psutil.NoSuchProcess:
                    pass
        except ImportError:  # pragma: no cover - psutil is a dependency of ipykernel
            pass
        if self._log is not None:
            self._log.close()
        self.proc = None


# --------------------------------------------------------------------------- lesson page

# JavaScript run in the page. ``window.__cnn`` holds the open notebook panel and a
# count of the kernel's returns to idle (every widget change the kernel handles
# ends with one).
JS_OPEN = r"""
async (path) => {
  const app = window.jupyterapp;
  await app.started;
  await app.restored;
  const panel = await app.commands.execute('docmanager:open',
      {path, factory: 'Notebook', kernel: {name: 'python3'}});
  window.__cnn = {panel, idle: 0, iopub: []};
  await panel.context.ready;
  await panel.sessionContext.ready;
  panel.sessionContext.statusChanged.connect((_, status) => {
    if (status === 'idle') window.__cnn.idle += 1;
  });
  // errors and stderr the kernel sends anywhere (cells, widget callbacks, log console)
  panel.sessionContext.iopubMessage.connect((_, msg) => {
    const t = msg.header.msg_type;
    const parent = (msg.parent_header && msg.parent_header.msg_type) || '';
    if (t === 'error')
      window.__cnn.iopub.push({type: t, parent,
        text: `${msg.content.ename}: ${msg.content.evalue}\n` + (msg.content.traceback || []).join('\n')});
    else if (t === 'stream' && msg.content.name === 'stderr')
      window.__cnn.iopub.push({type: 'stderr', parent, text: msg.content.text});
  });
  app.shell.activateById(panel.id);
  await panel.content.fullyRendered?.promise?.catch?.(() => {});
  return panel.id;
}
"""

JS_KERNEL_READY = """
() => {
  const k = window.__cnn && window.__cnn.panel.sessionContext.session?.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}
"""

JS_RUN_ALL = """
async () => {
  const app = window.jupyterapp;
  app.shell.activateById(window.__cnn.panel.id);
  await app.commands.execute('notebook:run-all-cells');
  return true;
}
"""

JS_STATE = r"""
() => {
  const p = window.__cnn.panel;
  const cells = p.content.model.cells;
  const strip = (s) => String(s).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const out = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code') continue;
    const node = p.content.widgets[i].node;
    node.dataset.cnnCell = String(i);
    const source = c.sharedModel.getSource();
    const outputs = c.outputs.toJSON();
    const prompt = node.querySelector('.jp-InputPrompt');
    out.push({
      index: i,
      source: source.length > 300 ? source.slice(0, 300) + '...' : source,
      empty: source.trim() === '',
      count: c.executionCount,
      running: prompt ? prompt.textContent.includes('*') : false,
      errors: outputs.filter(o => o.output_type === 'error').map(
          o => strip(`${o.ename}: ${o.evalue}\n` + (o.traceback || []).join('\n'))),
      stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr').map(
          o => strip(Array.isArray(o.text) ? o.text.join('') : o.text)).join(''),
      widget: outputs.some(o => o.data && o.data['application/vnd.jupyter.widget-view+json']),
    });
  }
  const k = p.sessionContext.session?.kernel;
  return {status: k ? k.status : 'no kernel', connection: k ? k.connectionStatus : '',
          idle: window.__cnn.idle, cells: out};
}
"""

#: What a cell shows that a student would read as a failure.
JS_CELL_PROBLEMS = r"""
(node) => {
  const problems = [];
  for (const o of node.querySelectorAll('.jp-OutputArea-output')) {
    const mime = o.getAttribute('data-mime-type') || '';
    const text = o.innerText || '';
    if (mime === 'application/vnd.jupyter.stderr' && /Traceback|Error\b/.test(text))
      problems.push('stderr: ' + text.slice(0, 1500));
    if (/Error displaying widget|Loading widget\.\.\.|Traceback \(most recent call last\)/.test(text))
      problems.push('output: ' + text.slice(0, 1500));
  }
  return problems;
}
"""

#: CSS selector of each kind of control (within a .cnn-widget, in document order).
CONTROL_SELECTORS = {
    "slider": ".widget-slider",
    "dropdown": ".widget-dropdown",
    "toggle": ".widget-toggle-buttons",
    "checkbox": ".widget-checkbox",
    "text": ".widget-text",
    "textarea": ".widget-textarea",
    "play": ".widget-play",
    "button": ".widget-button",
}

#: The controls of one .cnn-widget: kind, index among its kind, description (the text
#: a student reads next to it), current value, options and whether it is disabled.
JS_CONTROLS = r"""
(root) => {
  const SEL = %s;
  const label = (el) => {
    const l = el.querySelector(':scope > .widget-label');
    return l ? l.textContent.replace(/\u200b/g, '').trim() : '';
  };
  const out = [];
  for (const [kind, sel] of Object.entries(SEL)) {
    root.querySelectorAll(sel).forEach((el, idx) => {
      const c = {kind, idx, description: label(el), value: null, options: [], disabled: false};
      if (kind === 'slider') {
        const r = el.querySelector('.widget-readout');
        const h = el.querySelector('.noUi-handle');
        const shown = r && r.style.display !== 'none';
        c.value = shown ? r.textContent.trim() : (h ? h.getAttribute('aria-valuetext') : null);
        c.disabled = (r && r.contentEditable === 'false') ||
                     !!el.querySelector('.noUi-target[disabled]');
        c.readout = !!shown;
      } else if (kind === 'dropdown') {
        const s = el.querySelector('select');
        c.options = [...s.options].map(o => o.textContent);
        c.value = s.selectedIndex >= 0 ? s.options[s.selectedIndex].textContent : null;
        c.disabled = s.disabled;
      } else if (kind === 'toggle') {
        const bs = [...el.querySelectorAll('button')];
        c.options = bs.map(b => b.textContent.trim());
        const a = bs.find(b => b.classList.contains('mod-active'));
        c.value = a ? a.textContent.trim() : null;
        c.disabled = bs.every(b => b.disabled);
      } else if (kind === 'checkbox') {
        const i = el.querySelector('input[type=checkbox]');
        const t = el.querySelector('.widget-label-basic span');
        c.description = c.description || (t ? t.textContent.trim() : '');
        c.value = i.checked;
        c.disabled = i.disabled;
      } else if (kind === 'text' || kind === 'textarea') {
        const i = el.querySelector('input, textarea');
        c.value = i ? i.value : null;
        c.disabled = !i || i.disabled;
      } else if (kind === 'play') {
        const b = el.querySelector('button');
        c.disabled = !b || b.disabled;
      } else if (kind === 'button') {
        c.description = el.textContent.trim();
        c.disabled = el.disabled;
      }
      out.push(c);
    });
  }
  return out;
}
""" % json.dumps(CONTROL_SELECTORS)

#: Widgets found in one cell: every .cnn-widget with its controls and views, and
#: what the cell shows besides (other widgets, controls outside any .cnn-widget).
JS_CELL_WIDGETS = r"""
(node) => {
  const CONTROLS = __CONTROLS__;
  const kinds = ['widget-slider', 'widget-button', 'widget-play', 'widget-dropdown',
    'widget-toggle-buttons', 'widget-checkbox', 'widget-radio', 'widget-select',
    'widget-text', 'widget-textarea', 'widget-output', 'widget-image', 'widget-html'];
  const interactive = '.widget-slider, .widget-button, .widget-play, .widget-dropdown, ' +
    '.widget-toggle-buttons, .widget-checkbox, .widget-radio, .widget-select, .widget-text, .widget-textarea';
  const roots = [...node.querySelectorAll('.cnn-widget')].map(root => {
    const r = root.getBoundingClientRect();
    const controls = {};
    for (const k of kinds) {
      const n = root.querySelectorAll('.' + k).length;
      if (n) controls[k] = n;
    }
    const views = [...root.querySelectorAll('.cnn-widget-view')];
    return {
      width: r.width, height: r.height,
      jupyterWidgets: root.querySelectorAll('.jupyter-widgets').length,
      controls,
      views: views.length,
      viewSizes: views.map(v => { const b = v.getBoundingClientRect(); return [b.width, b.height]; }),
      messages: root.querySelectorAll('.cnn-widget-message').length,
      controls_list: CONTROLS(root),
    };
  });
  const outputs = node.querySelectorAll('.jp-OutputArea-output');
  const loose = [...node.querySelectorAll(interactive)].filter(el => !el.closest('.cnn-widget'));
  return {
    roots,
    widgets: node.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
    loose: loose.map(el => (el.className.match(/widget-[a-z-]+/g) || []).join(' ')),
    text: [...outputs].map(o => o.innerText).join('\n').slice(0, 500),
  };
}
""".replace("__CONTROLS__", JS_CONTROLS.strip())

#: What a .cnn-widget shows: its views (images by content, not by blob URL),
#: its message and its readouts.
JS_SIGNATURE = r"""
async (root) => {
  const hash = (bytes) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193); }
    return (h >>> 0).toString(16) + ':' + bytes.length;
  };
  const parts = [];
  for (const v of root.querySelectorAll('.cnn-widget-view')) {
    let html = v.tagName === 'IMG' ? '<img>' : v.innerHTML;
    const imgs = v.tagName === 'IMG' ? [v] : [...v.querySelectorAll('img')];
    for (const img of imgs) {
      const src = img.getAttribute('src') || '';
      let id = src.length > 200 ? 'data:' + hash(new TextEncoder().encode(src)) : src;
      if (src.startsWith('blob:')) {
        try { id = 'png:' + hash(new Uint8Array(await (await fetch(src)).arrayBuffer())); }
        catch (e) { id = src; }
        html = html.split(src).join(id);
      }
      parts.push('img=' + id);
    }
    parts.push(html);
  }
  const msg = [...root.querySelectorAll('.cnn-widget-message')]
      .map(m => (m.innerText || '').trim()).filter(Boolean).join('\n');
  const readouts = [...root.querySelectorAll('.widget-readout')].map(r => (r.innerText || '').trim());
  return {view: parts.join('\n'), message: msg, readouts};
}
"""


#: What a drawing widget predicts: its ``[data-prediction]`` element (the widget's
#: summary view), with the probabilities and per-stage activation sums it carries.
JS_PREDICTION = r"""
(root) => {
  const el = root.querySelector('[data-prediction]');
  if (!el) return null;
  return {prediction: el.dataset.prediction, probabilities: el.dataset.probabilities || '',
          stages: el.dataset.stages || '', text: (el.innerText || '').trim()};
}
"""

#: Selectors of the drawing canvas (helpers/widgets/draw_canvas.py) and its clear button.
CANVAS_SELECTOR = "canvas.cnn-draw-canvas"
CLEAR_SELECTOR = "button.cnn-draw-clear"


class LessonFailure(AssertionError):
    pass


class LessonPage:
    """One lesson open in its own JupyterLab page."""

    def __init__(self, page, server: LabServer, name: str, timeouts: dict):
        self.page = page
        self.server = server
        self.name = name
        self.timeouts = timeouts
        self.page_errors: list[str] = []
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        self.panel_id = None

    def fail(self, what: str) -> None:
        raise LessonFailure(f"{self.name}: {what}")

    # ------------------------------------------------------------- open and run
    def open(self) -> None:
        ws = "cnn-" + "".join(ch if ch.isalnum() else "-" for ch in self.name)
        t = self.timeouts["open"]
        self.page.goto(f"{self.server.url}/lab/workspaces/{ws}?token={self.server.token}", timeout=t * 1000)
        try:
            self.page.wait_for_function("() => !!window.jupyterapp", timeout=t * 1000)
        except Exception as exc:  # noqa: BLE001
            self.fail(
                f"JupyterLab did not load within {t:.0f} s (window.jupyterapp missing: is "
                f"expose_app_in_browser on?) ({type(exc).__name__}); page errors: {self.page_errors}"
            )
        self.page.set_default_timeout(t * 1000)
        self.panel_id = self.page.evaluate(JS_OPEN, self.name)
        try:
            self.page.wait_for_function(JS_KERNEL_READY, timeout=self.timeouts["kernel"] * 1000, polling=250)
        except Exception:  # noqa: BLE001
            self.fail(
                f"the kernel did not start and become idle within {self.timeouts['kernel']:.0f} s; "
                f"server log ends:\n{self.server.log_tail()}"
            )

    def state(self) -> dict:
        return self.page.evaluate(JS_STATE)

    def run_all(self) -> dict:
        """Run all cells; return the final state. Fails on an error output or a timeout."""
        before = self.state()
        self.page.evaluate(JS_RUN_ALL)
        t = self.timeouts["run_all"]
        deadline = time.monotonic() + t
        errors_since = None
        state = before
        while True:
            time.sleep(0.5)
            state = self.state()
            code = [c for c in state["cells"] if not c["empty"]]
            errored = [c for c in code if c["errors"]]
            idle = state["status"] == "idle" and state["idle"] > before["idle"]
            if idle and not any(c["running"] for c in code):
                if all(c["count"] is not None for c in code) or errored:
                    if errored and errors_since is None:
                        errors_since = time.monotonic()  # let the aborted queue settle
                        continue
                    break
            if time.monotonic() > deadline:
                pending = [c for c in code if c["count"] is None or c["running"]]
                first = pending[0] if pending else None
                self.fail(
                    f"run all cells did not finish within {t:.0f} s (kernel {state['status']}); "
                    f"{len(pending)} of {len(code)} code cells unfinished"
                    + (f", first is cell {first['index']}:\n{first['source']}" if first else "")
                )
        return state

    def cell(self, index: int):
        return self.page.locator(f'#{self.panel_id} [data-cnn-cell="{index}"]')

    def cell_problems(self, index: int) -> list[str]:
        return self.cell(index).evaluate(JS_CELL_PROBLEMS)

    def cell_widgets(self, index: int) -> dict:
        return self.cell(index).evaluate(JS_CELL_WIDGETS)

    def wait_for_widgets(self, index: int) -> dict:
        """What a widget cell renders, once its .cnn-widgets have their views
        (or, for a cell without any, once some widget has been drawn)."""
        deadline = time.monotonic() + self.timeouts["render"]
        drawn = None  # when some widget, not a .cnn-widget, was first seen
        while True:
            found = self.cell_widgets(index)
            roots = found["roots"]
            if roots and all(w["views"] and w["jupyterWidgets"] for w in roots):
                return found
            if not roots and found["widgets"]:
                drawn = drawn or time.monotonic()
                if time.monotonic() > drawn + 3:
                    return found
            if time.monotonic() > deadline:
                return found
            time.sleep(0.25)

    # ------------------------------------------------------------- widgets
    def roots(self, index: int):
        return self.cell(index).locator(".cnn-widget")

    def signature(self, root) -> dict:
        return root.evaluate(JS_SIGNATURE)

    def settle(self, root, idle_before: int, expect_kernel: bool = True) -> dict:
        """Wait until the kernel has handled the change and the widget stops changing."""
        if expect_kernel:
            try:
                self.page.wait_for_function(
                    "n => window.__cnn.idle > n", arg=idle_before,
                    timeout=self.timeouts["step"] * 1000, polling=100,
                )
            except Exception:  # noqa: BLE001 - the view comparison reports it
                pass
        sig = self.signature(root)
        deadline = time.monotonic() + self.timeouts["step"]
        while time.monotonic() < deadline:
            time.sleep(0.2)
            again = self.signature(root)
            if again == sig and self.page.evaluate(JS_KERNEL_READY):
                return again
            sig = again
        return sig

    def new_kernel_errors(self) -> list[str]:
        """Errors and tracebacks the kernel sent since the last call, wherever they
        were shown (a cell, a widget's output, JupyterLab's log console)."""
        found = []
        messages = self.page.evaluate("() => window.__cnn.iopub.splice(0)")
        for m in messages:
            text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", m["text"]).strip()
            if m["type"] == "error" or "Traceback" in text:
                if len(text) > 1600:
                    text = text.splitlines()[0] + "\n  ...\n" + text[-1200:]
                found.append(f"{m['type']} (answering a {m['parent'] or 'message'}): {text}")
        return found

    def blur(self) -> None:
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")

    def idle_count(self) -> int:
        return self.page.evaluate("() => window.__cnn.idle")


    # --------------------------------------------------------- controls, as a student uses them
    def controls(self, root) -> list[dict]:
        return root.evaluate(f"(root) => ({JS_CONTROLS})(root)")

    def control(self, root, ctl: dict):
        return root.locator(CONTROL_SELECTORS[ctl["kind"]]).nth(ctl["idx"])

    def find_control(self, root, description: str) -> dict:
        found = [c for c in self.controls(root) if c["description"] == description]
        if not found:
            have = [c["description"] for c in self.controls(root)]
            self.fail(f"the widget has no control described {description!r} (it has {have})")
        return found[0]

    def press_slider(self, slider, key: str) -> bool:
        """Press ``key`` on the slider's (first) handle; True if its readout changed."""
        readout = slider.locator(".widget-readout")
        before = readout.inner_text().strip()
        slider.locator(".noUi-handle").first.press(key)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            if readout.inner_text().strip() != before:
                return True
            time.sleep(0.05)
        return False

    def set_value(self, root, ctl: dict, value) -> bool:
        """Give a control a value the way a student would: type into a slider's
        readout, pick a dropdown entry, click a toggle button or a checkbox, type text."""
        loc = self.control(root, ctl)
        kind = ctl["kind"]
        if kind == "slider":
            readout = loc.locator(".widget-readout")
            if readout.inner_text().strip() == str(value):
                return False
            readout.click()
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(str(value))
            self.page.keyboard.press("Enter")
        elif kind == "dropdown":
            if loc.locator("select").evaluate("s => s.options[s.selectedIndex]?.textContent") == str(value):
                return False
            loc.locator("select").select_option(label=str(value))
        elif kind == "toggle":
            if [t.strip() for t in loc.locator("button.mod-active").all_text_contents()] == [str(value)]:
                return False
            loc.locator("button").filter(has_text=re.compile(rf"^\s*{re.escape(str(value))}\s*$")).first.click()
        elif kind == "checkbox":
            box = loc.locator("input[type=checkbox]")
            if box.is_checked() == bool(value):
                return False
            box.set_checked(bool(value))
        elif kind in ("text", "textarea"):
            box = loc.locator("input, textarea").first
            if box.input_value() == str(value):
                return False
            box.fill(str(value))
            box.evaluate("e => e.blur()")
        else:
            self.fail(f"do not know how to set the control {ctl['description']!r} ({kind})")
        return True

    def change(self, root, action) -> dict:
        """Run ``action`` (a change of one control) and return the settled widget;
        an action returning False changed nothing (no kernel round trip to wait for)."""
        n = self.idle_count()
        acted = action()
        return self.settle(root, n, expect_kernel=acted is not False)

    # --------------------------------------------------------- drawing canvas, as a student uses it
    def prediction(self, root) -> dict | None:
        """The widget's ``[data-prediction]`` (prediction, probabilities, stages, text) or None."""
        return root.evaluate(JS_PREDICTION)

    def canvas(self, root):
        """The drawing canvas of ``root``, once drawn (None if it has none)."""
        loc = root.locator(CANVAS_SELECTOR)
        try:
            loc.first.wait_for(state="visible", timeout=self.timeouts["render"] * 1000)
        except Exception:  # noqa: BLE001 - the caller reports the missing canvas
            return None
        return loc.first

    def draw(self, canvas, strokes, steps: int = 6) -> None:
        """Draw ``strokes`` (polylines of (x, y) in 0..1 of the canvas) with the mouse:
        button down at each stroke's first point, moves through its points (``steps``
        intermediate mouse events per segment), button up."""
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        if not box or box["width"] <= 0 or box["height"] <= 0:
            self.fail(f"the drawing canvas is not visible (bounding box {box})")
        at = lambda p: (box["x"] + p[0] * box["width"], box["y"] + p[1] * box["height"])  # noqa: E731
        mouse = self.page.mouse
        for stroke in strokes:
            mouse.move(*at(stroke[0]))
            mouse.down()
            for p in stroke[1:]:
                mouse.move(*at(p), steps=steps)
            mouse.up()

    def clear_canvas(self, root) -> None:
        root.locator(CLEAR_SELECTOR).first.click()
