"""The Prefect UI driven by a real browser (headless Chromium through Playwright)."""
