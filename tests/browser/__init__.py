"""Browser tests of the staff console: Debian's Chromium driven by Playwright (never a browser download)."""
