"""End to end in a real headless browser (Debian's chromium through chromedriver and Selenium):
open the queue, fix a misread seller tax ID with the keyboard, accept, find the record in the
next import exactly once; a fix that breaks a check is refused; the page works phone-sized. The
Chinese desk (the default): a conflict decided as "the register row is wrong", an OFD page drawn
and a photo, each with its field boxes; screenshots go to test-artifacts/review/.

`.ci/run` installs chromium and chromium-driver; without them these tests fail and say so.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import urllib.request
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
    assert not browser.find_elements(By.ID, "accept")  # a conflict is never accepted as it is
    browser.find_element(By.ID, "register-wrong").click()  # the fixed invoice must pass its checks first
    refused = wait(browser, until.visibility_of_element_located((By.ID, "refused")))
    assert "but the total reads 99999.99" in refused.text
    assert browser.find_element(By.NAME, "f:total").get_attribute("value") == "99999.99"  # the edit is kept
    with ReviewStore(prepared.store) as book:
        saved = book.record(conflict.id)[0]
        trail = book.decisions(conflict.id)
    assert saved.status == "review" and saved.invoice.total == conflict.invoice.total
    assert [(d.user, d.action, d.result) for d in trail] == [("wangfang", "register_wrong", "refused")]
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


# --- the Chinese desk: a conflict decided, an OFD page and a photo with their field boxes ---------

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts" / "review"
REAL = Path(__file__).parent.parent / "fixtures" / "real"
OFD_FILE = "erma0_24322000000489101796.ofd"
PHOTO_FILE = "gsc_044031800104_41108527_photo.jpg"


@pytest.fixture(scope="module")
def zh_desk(tmp_path_factory):
    """The default (Chinese) desk over the pipeline's records of a conflict, an OFD and a photo."""
    from capture.intake.files import file_sha256
    from capture.pipeline import run_batch, write_outputs
    from capture.register.imports import RegisterReader
    from capture.register.store import Ledger
    from tests.conftest import INBOX, REGISTER

    root = tmp_path_factory.mktemp("zh-desk")
    inbox, store = root / "inbox", root / "capture.db"
    inbox.mkdir()
    for path in (INBOX / "10_legacy_normal.pdf", REAL / OFD_FILE, REAL / PHOTO_FILE):
        shutil.copy(path, inbox)
    with Ledger(store) as book:
        reader = RegisterReader(REGISTER, {})
        book.import_register(reader, REGISTER.name, file_sha256(REGISTER), reader.errors)
        write_outputs(run_batch([inbox], book, workers=1), root / "out", book)
        rows = book.db.execute("SELECT record_id, record FROM emitted").fetchall()
    ids = {json.loads(text)["source"]["file"]: record_id for record_id, text in rows}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running(create_app(store, [inbox], "王芳")) as base:
        yield base, store, ids


def screenshot(driver, name: str) -> Path:
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def loaded_page_image(driver):
    image = driver.find_element(By.CSS_SELECTOR, "#sheet img")
    wait(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image), 90)
    return image


def test_the_desk_speaks_chinese_and_decides_a_conflict_without_exporting_it(browser, zh_desk):
    base, store, ids = zh_desk
    browser.set_window_size(1400, 1000)
    browser.get(base + "/")
    assert browser.find_element(By.CLASS_NAME, "brand").text == "发票复核台"
    assert "张待复核" in browser.find_element(By.ID, "counts").text
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-record="{ids["10_legacy_normal.pdf"]}"]')
    assert "冲突" in row.find_element(By.CSS_SELECTOR, '.tag[data-tag="conflict"]').text
    assert "增值税普通发票" in row.text and "冲突：登记簿已有发票 16420088，但内容不同" in row.text
    screenshot(browser, "queue-zh.png")

    row.find_element(By.CSS_SELECTOR, "a.open").click()
    wait(browser, until.presence_of_element_located((By.ID, "decision")))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "待复核原因" in body and "与登记簿 register.csv 第 14 行冲突" in body
    assert any("价税合计" in r.text for r in browser.find_elements(By.CSS_SELECTOR, "#counterpart tr.differs"))
    assert not browser.find_elements(By.ID, "accept")  # a conflict has no plain accept
    assert browser.find_element(By.ID, "separate").text == "作为另一张发票接受"
    wrong = browser.find_element(By.ID, "register-wrong")
    assert wrong.text == "接受（登记簿那一行有误）"
    screenshot(browser, "conflict-zh.png")
    wrong.click()
    wait(browser, lambda d: "/record/" not in d.current_url or d.find_elements(By.ID, "flash"))
    flash = wait(browser, until.visibility_of_element_located((By.ID, "flash")))
    assert "重复" in flash.text

    with ReviewStore(store) as book:
        corrections = book.register_corrections()
        assert export_pending(book, ARTIFACTS / "after-conflict.json") == 0
    assert [c["field"] for c in corrections] == ["amount", "total"]


def test_an_ofd_page_is_drawn_with_its_field_boxes(browser, zh_desk):
    from PIL import Image

    base, _, ids = zh_desk
    browser.set_window_size(1400, 1000)
    browser.get(f"{base}/record/{ids[OFD_FILE]}")
    assert browser.find_element(By.ID, "kind").text == "数电票（增值税专用发票）"
    assert browser.find_element(By.ID, "status").text == "就绪（可导入）"
    image = loaded_page_image(browser)
    assert image.size["width"] > 300
    number = browser.find_element(By.NAME, "f:number")
    number.click()
    box = browser.find_element(By.CSS_SELECTOR, '.box.active[data-field="number"]')
    assert box.is_displayed() and box.size["width"] > 20
    screenshot(browser, "ofd-page.png")

    with urllib.request.urlopen(f"{base}/record/{ids[OFD_FILE]}/page.png") as response:
        page = Image.open(io.BytesIO(response.read())).convert("L")
    left, top, width, height = _percent_box(box)
    crop = page.crop((left * page.width / 100, top * page.height / 100,
                      (left + width) * page.width / 100, (top + height) * page.height / 100))
    assert crop.getextrema()[0] < 100  # the number's glyphs are drawn inside its box


def test_a_photo_shows_its_field_boxes(browser, zh_desk):
    base, _, ids = zh_desk
    browser.set_window_size(1400, 1000)
    browser.get(f"{base}/record/{ids[PHOTO_FILE]}")
    assert browser.find_element(By.ID, "kind").text == "增值税普通发票"
    loaded_page_image(browser)
    boxes = browser.find_elements(By.CSS_SELECTOR, "#sheet .box")
    assert len(boxes) >= 10
    field = browser.find_element(By.NAME, "f:seller.tax_id")
    field.click()
    lit = browser.find_elements(By.CSS_SELECTOR, '.box.active[data-field="seller.tax_id"]')
    assert lit and lit[0].is_displayed() and lit[0].size["width"] > 10 and lit[0].size["height"] > 3
    screenshot(browser, "photo-boxes.png")


def _percent_box(box) -> tuple[float, float, float, float]:
    """A field box's left, top, width and height in percent of the page, from its style."""
    style = box.get_attribute("style")
    return tuple(float(re.search(rf"(?:^|;)\s*{side}:\s*([\d.]+)%", style)[1]) for side in ("left", "top", "width", "height"))
