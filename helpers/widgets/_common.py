"""Widget wiring shared by the stepping explorers (lessons 04 and 05).

Both explorers have setting controls, a "step" slider linked in the browser
to a Play button, one HTML view and one message line. :func:`stepping_explorer`
wires them: a change of a setting recounts the steps (or disables stepping
when the settings are impossible) and shows the finished output; a change of
the step redraws the view. :func:`bench_toggles` builds the one-notch changes
a benchmark or a test times. Core ipywidgets only (7.7 and 8).

Internal module: the widgets are :func:`helpers.widgets.conv_explorer.conv_explorer`
and :func:`helpers.widgets.pool_explorer.pool_explorer`.
"""
from __future__ import annotations

import html as _html

__all__ = ["stepping_explorer", "bench_toggles"]


def stepping_explorer(controls, settings_names, columns, render, count_steps, before_count=None):
    """Wire an explorer and return its root box.

    Args:
        controls: dict of widgets by name; it must hold "step" (an IntSlider)
            and "play" (a Play).
        settings_names: the names in ``controls`` whose change recounts the steps.
        columns: lists of widgets, one VBox each, side by side above the view.
        render: ``render(step) -> (html, message)`` for the current settings.
        count_steps: ``count_steps() -> (steps, problem)``; a non-empty
            ``problem`` disables stepping (the view shows the message).
        before_count: optional callable run first on every settings change
            (to enable or disable a control, say).

    Returns:
        The root ``VBox`` (CSS class ``cnn-widget``), with ``.controls``,
        ``.view`` (class ``cnn-widget-view``) and ``.message`` (class
        ``cnn-widget-message``).
    """
    import ipywidgets as widgets

    c = controls
    widgets.jslink((c["play"], "value"), (c["step"], "value"))
    view = widgets.HTML()
    view.add_class("cnn-widget-view")
    message = widgets.HTML()
    message.add_class("cnn-widget-message")
    state = {"busy": False}

    def redraw(_=None):
        if state["busy"]:
            return
        body, msg = render(c["step"].value)
        view.value = body
        message.value = f'<span style="color:#c0392b">{_html.escape(msg)}</span>' if msg else ""

    def on_settings(_=None):
        if before_count is not None:
            before_count()
        steps, problem = count_steps()
        state["busy"] = True
        try:
            for w in (c["step"], c["play"]):
                if w.value > steps - 1:     # lower the value before the maximum (ipywidgets 7.7 checks it)
                    w.value = steps - 1
                w.max = steps - 1
                w.value = steps - 1         # show the finished output; play restarts from 0
                w.disabled = bool(problem)
        finally:
            state["busy"] = False
        redraw()

    for name in settings_names:
        c[name].observe(on_settings, names="value")
    c["step"].observe(redraw, names="value")

    root = widgets.VBox([widgets.HBox([widgets.VBox(list(col)) for col in columns]), message, view])
    root.add_class("cnn-widget")
    root.controls, root.view, root.message = c, view, message
    on_settings()
    return root


def bench_toggles(widget, toggles):
    """Zero-argument callables for a benchmark: the first moves the step one
    notch (wrapping round), then one per ``(name, a, b)`` in ``toggles`` that
    switches that control between ``a`` and ``b``."""
    c = widget.controls

    def toggle(name, a, b):
        def change():
            c[name].value = b if c[name].value == a else a
        change.__name__ = f"{name}_{a}_{b}"
        return change

    def next_step():
        c["step"].value = (c["step"].value + 1) % (c["step"].max + 1)

    return [next_step] + [toggle(*t) for t in toggles]
