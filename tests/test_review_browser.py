"""End to end in a real headless browser (Debian's chromium through chromedriver and Selenium):
open the queue, fix a misread seller tax ID with the keyboard, accept, find the record in the
next import exactly once; a fix that breaks a check is refused; the page works phone-sized.

`.ci/run` installs chromium and chromium-driver; without them these tests fail and say so.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import WebDriverWait

from capture.register.desk import ReviewStore
from capture.review.app import create_app
from capture.review.export import export_pending
from tests.review_support import MISREAD_TAX_ID, TRUE_TAX_ID, misread, prepare, running

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
DRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    binary = next((path for path in CHROMIUM if Path(path).exists()), None)
    if binary is None or not Path(DRIVER).exists():
        pytest.fail("install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver), as .ci/run does")
    profile = tempfile.mkdtemp(prefix="capture-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def desk(tmp_path):
    prepared = prepare(tmp_path)
    record = misread(prepared)
    with running(create_app(prepared.store, [prepared.inbox], "wangfang", lang="en")) as base:
        yield base, prepared, record


def wait(driver, condition, seconds: float = 15):
    return WebDriverWait(driver, seconds).until(condition)


def test_fix_a_misread_field_accept_and_export_exactly_once(browser, desk, tmp_path):
    base, prepared, record = desk
    browser.set_window_size(1400, 1000)
    browser.get(base + "/")
    assert browser.find_element(By.ID, "total").text == "3"
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-record="{record.id}"]')
    assert "中国电信股份有限公司南宁分公司" in row.text and "uscc_check_digit" in row.text
    row.find_element(By.CSS_SELECTOR, "a.open").click()

    wait(browser, until.presence_of_element_located((By.ID, "decision")))
    assert "fails its check digit" in browser.find_element(By.ID, "failed").text
    image = browser.find_element(By.CSS_SELECTOR, "#sheet img")
    wait(browser, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
    browser.find_element(By.TAG_NAME, "body").send_keys("e")  # keyboard: edit the field in question
    field = browser.switch_to.active_element
    assert field.get_attribute("name") == "f:seller.tax_id" and field.get_attribute("value") == MISREAD_TAX_ID
    highlighted = browser.find_elements(By.CSS_SELECTOR, '.box.active[data-field="seller.tax_id"]')
    assert highlighted and highlighted[0].size["width"] > 0  # the source box lights up on the page
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(TRUE_TAX_ID)
    field.send_keys(Keys.CONTROL, Keys.ENTER)  # accept from the field

    flash = wait(browser, until.visibility_of_element_located((By.ID, "flash")))
    assert record.id in flash.text and "ready" in flash.text
    browser.get(base + "/")
    assert browser.find_element(By.ID, "total").text == "2" and browser.find_element(By.ID, "pending").text == "1"
    assert not browser.find_elements(By.CSS_SELECTOR, f'tr[data-record="{record.id}"]')

    with ReviewStore(prepared.store) as book:
        assert export_pending(book, tmp_path / "next.json") == 1
        assert export_pending(book, tmp_path / "after.json") == 0
        trail = book.decisions(record.id)
    exported = json.loads((tmp_path / "next.json").read_text(encoding="utf-8"))["records"]
    assert [r["id"] for r in exported] == [record.id]
    assert exported[0]["status"] == "ready" and exported[0]["invoice"]["seller"]["tax_id"] == TRUE_TAX_ID
    assert json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))["count"] == 0
    assert [(d.user, d.action, d.result, d.changes) for d in trail] == [
        ("wangfang", "fix", "ready", [{"field": "seller.tax_id", "old": MISREAD_TAX_ID, "new": TRUE_TAX_ID}])
    ]
    browser.get(base + "/audit")
    assert "wangfang" in browser.find_element(By.ID, "audit").text and TRUE_TAX_ID in browser.find_element(By.ID, "audit").text


def test_a_fix_that_breaks_a_check_is_refused_in_the_page(browser, desk):
    base, prepared, _ = desk
    conflict = prepared.records()["10_legacy_normal.pdf"]
    browser.set_window_size(1400, 1000)
    browser.get(f"{base}/record/{conflict.id}")
    assert "Conflicts with register register.csv, line" in browser.find_element(By.TAG_NAME, "body").text
    differs = browser.find_elements(By.CSS_SELECTOR, "#counterpart tr.differs")
    assert any("total with tax" in row.text for row in differs)  # the register row, side by side
    total = browser.find_element(By.NAME, "f:total")
    total.clear()
    total.send_keys("99999.99")
    browser.find_element(By.ID, "accept").click()
    refused = wait(browser, until.visibility_of_element_located((By.ID, "refused")))
    assert "but the total reads 99999.99" in refused.text
    assert browser.find_element(By.NAME, "f:total").get_attribute("value") == "99999.99"  # the edit is kept
    with ReviewStore(prepared.store) as book:
        saved = book.record(conflict.id)[0]
        trail = book.decisions(conflict.id)
    assert saved.status == "review" and saved.invoice.total == conflict.invoice.total
    assert [(d.user, d.action, d.result) for d in trail] == [("wangfang", "fix", "refused")]
    assert "but the total reads 99999.99" in trail[0].note


def test_phone_sized_screen_shows_one_column_and_chinese_text(browser, desk):
    base, prepared, _ = desk
    record = prepared.records()["10_legacy_normal.pdf"]  # the widest page: a conflict, side by side
    browser.set_window_size(390, 844)
    browser.get(f"{base}/record/{record.id}")
    sheet = browser.find_element(By.ID, "sheet")
    form = browser.find_element(By.ID, "decision")
    assert form.location["y"] >= sheet.location["y"] + sheet.size["height"] - 1  # stacked, not side by side
    assert browser.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    title = browser.find_element(By.TAG_NAME, "h1")
    assert "长春市景行食品有限责任公司" in title.text and 100 < title.size["width"] <= 390
    browser.find_element(By.TAG_NAME, "body").send_keys("n")  # keyboard: next record
    wait(browser, lambda d: f"/record/{record.id}" not in d.current_url)
    assert "/record/" in browser.current_url
