"""`coi serve` in a real browser: waitress on a free loopback port, driven through headless Chromium (selenium).

Each step saves a screenshot under the test's tmp folder; with COI_SCREENSHOTS=DIR the search page, the passage
view, the citation box and the hostile document are also written to DIR (docs/screenshots in the repository
holds such a set)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coi.index import index_corpus
from tests.web_corpus import HOSTILE_ID, demo_index, hostile_index, running

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="browser tests need chromium and chromedriver (apt-get install chromium "
                                       "chromium-driver)")


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start waitress with the app for an index on a free loopback port; returns its base URL."""
    with contextlib.ExitStack() as stack:
        yield lambda index: stack.enter_context(running(index))


@pytest.fixture
def browser(tmp_path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
                f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


class Steps:
    """Numbered screenshots of a test's steps, in its tmp folder (and the chosen ones in $COI_SCREENSHOTS)."""

    def __init__(self, driver: Any, folder: Path) -> None:
        self.driver, self.folder, self.n = driver, folder, 0
        self.keep = Path(os.environ["COI_SCREENSHOTS"]) if os.environ.get("COI_SCREENSHOTS") else None

    def shot(self, name: str, element: Any = None, keep: bool = False) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        assert (element or self.driver).screenshot(str(path)) if element else self.driver.save_screenshot(str(path))
        if keep and self.keep:
            self.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.keep / f"{name}.png")
        return path


def no_dialog(driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (reading it is what raises)


def wait_for(driver: Any, condition: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_search_filter_exclude_open_copy_and_follow(tmp_path, serve, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base = serve(demo_index(tmp_path))
    steps = Steps(browser, tmp_path)
    browser.get(base + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("Azerbeidzjan mensenrechten", Keys.ENTER)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.hit"))
    total = browser.find_element(By.CSS_SELECTOR, ".total").text
    assert "passages for" in total and browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")
    assert browser.find_elements(By.CSS_SELECTOR, ".snippet mark")
    steps.shot("search-page", keep=True)

    # filter by a facet: click a type, the total drops to that type's count
    link = browser.find_element(By.CSS_SELECTOR, '[data-facet="doc_type"] a[data-value="kamervragen"]')
    count = int(link.find_element(By.XPATH, "../span[@class='count']").text)
    link.click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-facet="doc_type"] li.in'))
    assert f"of {count} passages" in browser.find_element(By.CSS_SELECTOR, ".total").text
    types = {e.text for e in browser.find_elements(By.CSS_SELECTOR, '[data-facet="doc_type"] li a')}
    assert types == {"kamervragen"}
    steps.shot("filtered")

    # click it again: it is excluded, and the hits are the other types
    browser.find_element(By.CSS_SELECTOR, '[data-facet="doc_type"] a[data-value="kamervragen"]').click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-facet="doc_type"] li.out'))
    assert "not_type=kamervragen" in browser.current_url
    assert "kamervragen" not in {e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.hit .cite")}
    assert all("Aanhangsel" not in e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.hit .cite"))
    steps.shot("excluded")

    # open a passage: its document, the passage marked and scrolled into view
    browser.find_element(By.CSS_SELECTOR, "li.hit h3 a").click()
    current = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "section.passage.current"))
    assert "/p/" in browser.current_url
    assert browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0;",
        current)
    assert browser.execute_script("return window.scrollY") > 0
    steps.shot("passage-view", keep=True)

    # copy the citation
    browser.get(base + "/p/ah-tk-20212022-2054%23antwoord-9")
    origin = base
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin, "permissions": [
        "clipboardReadWrite", "clipboardSanitizedWrite"]})
    citation = browser.find_element(By.ID, "citation-text").get_attribute("value")
    assert citation.endswith("Aanhangsel Handelingen II 2021/22, nr. 2054, antwoord op vraag 9.")
    browser.find_element(By.ID, "copy-citation").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "copy-status").text)
    assert browser.find_element(By.ID, "copy-status").text == "Citation copied."
    pasted = browser.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error: ' + e));")
    assert pasted == citation
    steps.shot("citation-box", element=browser.find_element(By.ID, "citation"), keep=True)

    # a footnote: the passage's note number leads to it, its link goes where the footnote says
    browser.find_element(By.CSS_SELECTOR, "section.passage.current .notes a").click()
    assert browser.current_url.endswith("#fn-9")
    link = browser.find_element(By.CSS_SELECTOR, "#fn-9 a")
    assert link.get_attribute("href") == "https://freedomhouse.org/country/azerbaijan/freedom-world/2021"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    steps.shot("footnote")
    no_dialog(browser)


def test_a_hostile_corpus_runs_nothing(tmp_path, serve, browser) -> None:
    from selenium.webdriver.common.by import By

    index = hostile_index(tmp_path)
    base = serve(index)
    steps = Steps(browser, tmp_path)
    for name, url in (("hostile-document", f"/d/{HOSTILE_ID}"), ("hostile-passage", f"/p/{HOSTILE_ID}%23alinea-2"),
                      ("hostile-search", "/?q=persvrijheid+OR+verslag+OR+mensenrechten")):
        browser.get(base + url)
        no_dialog(browser)
        steps.shot(name, keep=name == "hostile-document")
        assert browser.execute_script("return document.scripts.length") == 1  # our own /static/app.js
        assert not browser.find_elements(By.TAG_NAME, "img")
        # every link, the chart's SVG ones too, as the browser resolved it: this server or https, nothing else
        hrefs = browser.execute_script("return [...document.querySelectorAll('a')].map("
                                       "a => a.href.baseVal !== undefined ? new URL(a.href.baseVal, location).href"
                                       " : a.href)")
        assert hrefs and all(h.startswith((base + "/", "https://")) for h in hrefs), hrefs
    browser.get(base + f"/d/{HOSTILE_ID}")
    text = browser.find_element(By.TAG_NAME, "article").text
    assert "Het verslag<script>alert(1)</script> over Azerbeidzjan" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "javascript:alert(1)" in browser.find_element(By.ID, "fn-1").text
    assert browser.title.startswith("Verslag <script>alert(4)</script>")

    # a footnote link followed: a document added while the server runs cites a page of this server
    corpus = tmp_path / "corpus"
    (corpus / "verwijzing.txt").write_text(
        "Den Haag, 5 mei 2024\n\nDe brief over Nagorno-Karabach verwijst naar de kamerbrief.1\n\n"
        f"1 Kamerbrief, {base}/d/{HOSTILE_ID}\n", encoding="utf-8")
    index_corpus(index, [corpus])
    browser.get(base + "/?q=verwijst")
    browser.find_element(By.CSS_SELECTOR, "li.hit h3 a").click()
    link = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".footnotes li a"))
    assert link.get_attribute("href") == f"{base}/d/{HOSTILE_ID}"
    link.click()
    wait_for(browser, lambda d: d.current_url == f"{base}/d/{HOSTILE_ID}")
    assert browser.find_elements(By.CSS_SELECTOR, "section.passage")
    steps.shot("followed-footnote")
    no_dialog(browser)
