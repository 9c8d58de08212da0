"""Browser scenarios: the console driven in headless Debian Chromium through Playwright (issue 3)."""
