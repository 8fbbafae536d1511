"""qltimer: a follow-along coach for a home quadratus lumborum (QL) low-back routine."""

__version__ = "0.1.0"
