"""Everything that imports PySide6 lives in this package; the rest of qltimer runs without Qt."""
