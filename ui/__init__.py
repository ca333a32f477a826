"""Qt widgets only. The one package that imports PySide6."""
