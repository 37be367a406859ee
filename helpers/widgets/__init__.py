"""Interactive widgets, one module each (core ipywidgets only: 7.7 and 8;
the one exception is :mod:`draw_canvas`, the anywidget drawing canvas that
lesson 06's :mod:`cnn_at_work` shows beside its core-widget controls).

Import from the module: ``from helpers.widgets.conv_explorer import conv_explorer``.
Every widget's logic is a plain function its tests call without a browser;
see CONTRIBUTING.md for the rules they follow.
"""
