"""Interactive widgets, one module each (core ipywidgets only: 7.7 and 8).

Import from the module: ``from helpers.widgets.conv_explorer import conv_explorer``.
Every widget's logic is a plain function its tests call without a browser;
see CONTRIBUTING.md for the rules they follow.
"""
