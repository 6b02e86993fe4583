"""Where things are: the checkout, its data, the browser, the loopback host."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "data"
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
