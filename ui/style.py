"""Colours and the small style sheet of the workstation (legible at arm's length)."""

OK = "#1b7f3b"
WARN = "#b26a00"
BAD = "#c62828"
MUTED = "#6b7280"
ACCENT = "#1565c0"

SLA_COLOURS = {"ok": OK, "due_soon": WARN, "overdue": BAD, "done": MUTED}

APP_STYLE = """
QMainWindow, QDialog { background: #f5f6f8; }
QGroupBox { font-weight: bold; border: 1px solid #d0d4da; border-radius: 4px;
            margin-top: 10px; padding-top: 6px; background: white; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #1f2937; }
QPushButton { padding: 4px 10px; border: 1px solid #aab2bd; border-radius: 3px;
              background: #ffffff; color: #1f2937; }
QPushButton:hover { background: #eef3fb; }
QPushButton:pressed { background: #dce6f5; }
QPushButton:disabled { color: #9aa1ab; background: #f0f1f3; border-color: #d0d4da; }
QPushButton#primary { background: #1565c0; color: white; font-weight: bold;
                      border-color: #1565c0; padding: 6px 14px; }
QPushButton#primary:disabled { background: #90a4ae; border-color: #90a4ae; }
/* Where the keys are, at arm's length: a keyboard-first desk must show it plainly
   (the style's own dotted focus frame is all but invisible). */
QPushButton:focus { border: 2px solid #f59e0b; }
QPushButton#primary:focus { border: 2px solid #f59e0b; }
QAbstractItemView:focus, QTextBrowser:focus, QPlainTextEdit:focus, QLineEdit:focus,
QComboBox:focus, QDateEdit:focus, QSpinBox:focus { border: 2px solid #f59e0b; }
QCheckBox:focus, QRadioButton:focus { background: #fff3d6; }
QLabel#error { color: #c62828; }
QLabel#topbar { font-weight: bold; }
QTableWidget { background: white; gridline-color: #e5e7eb; }
"""
