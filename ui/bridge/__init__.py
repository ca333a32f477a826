"""Glue between the Qt event loop and the core: the task runner (work off the GUI
thread), device and hall events re-emitted as signals, the rating hook."""
