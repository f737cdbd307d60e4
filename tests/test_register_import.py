"""Register exports as accounting and tax systems write them: encodings, headers, bad rows."""

import datetime as dt

import pytest
from openpyxl import Workbook

from capture.contract.values import date as normal_date
from capture.errors import UsageError
from capture.intake.files import file_sha256
from capture.register.imports import read_register_file
from capture.register.store import Ledger

CHINESE = "发票代码,发票号码,开票日期,销售方名称,销售方纳税人识别号,金额,税额,价税合计\n"
ROWS = (
    "041001900111,32321709,2019-09-19,郑州京东优凯贸易有限公司,91410100MA44HUD80N,91.59,11.91,103.50\n"
    ",25322000000337005189,2025年07月22日,梁溪苏翼智能产品中心,92320213MACRYAKN16,\"8,562.72\",256.88,￥8819.60\n"
)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b"")])
def test_chinese_headers_in_every_encoding(tmp_path, encoding, bom):
    path = tmp_path / "register.csv"
    path.write_bytes(bom + (CHINESE + ROWS).encode(encoding))
    parsed = read_register_file(path)
    assert parsed.errors == []
    first, second = parsed.entries
    assert (first.code, first.number, first.date, first.total) == ("041001900111", "32321709", "2019-09-19", "103.50")
    assert (second.code, second.number, second.date, second.amount, second.total) == (
        None, "25322000000337005189", "2025-07-22", "8562.72", "8819.60")
    assert second.seller_name == "梁溪苏翼智能产品中心"


def test_english_headers_full_width_digits_and_compact_dates(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Invoice Code;Invoice No;Issue Date;Seller Tax ID;Amount;Tax;Total\n"
        "041001900111;３２３２１７０９;20190919;91410100ma44hud80n;91.59;11.91;１０３．５０\n"
        "044031800104;41108527;2019/3/19;92440300L08175019R;96.72;15.48;112.20\n",
        encoding="utf-8",
    )
    parsed = read_register_file(path)
    assert [e.number for e in parsed.entries] == ["32321709", "41108527"]
    assert parsed.entries[0].total == "103.50" and parsed.entries[0].seller_tax_id == "91410100MA44HUD80N"
    assert parsed.entries[1].date == "2019-03-19"


def test_bad_rows_are_reported_by_line_and_good_rows_load(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(
        CHINESE
        + "041001900111,32321709,2019-09-19,甲,91410100MA44HUD80N,91.59,11.91,103.50\n"
        + "041001900111,3232170,2019-09-19,乙,91410100MA44HUD80N,91.59,11.91,103.50\n"
        + "041001900111,32321710,2019-13-45,丙,91410100MA44HUD80N,91.59,11.91,103.50\n"
        + "041001900111,32321711,2019-09-19,丁,91410100MA44HUD80N,九十,11.91,103.50\n"
        + ",,,,,,,\n"
        + "041001900111,32321712,2019-09-19,戊,91410100MA44HUD80N,91.59,11.91,103.50\n",
        encoding="utf-8",
    )
    parsed = read_register_file(path)
    assert [e.number for e in parsed.entries] == ["32321709", "32321712"]
    assert [line for line, _ in parsed.errors] == [3, 4, 5]
    assert "not 8 or 20 digits" in parsed.errors[0][1]
    assert "not a date" in parsed.errors[1][1]
    assert "not an amount" in parsed.errors[2][1]


def test_xlsx_with_numeric_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["发票代码", "发票号码", "开票日期", "价税合计"])
    sheet.append([52002100113, 8006, dt.datetime(2022, 5, 5), 25254.62])  # leading zeros lost
    sheet.append(["", "24322000000489101796", "2024-12-05", "20,000.00"])
    path = tmp_path / "register.xlsx"
    book.save(path)
    parsed = read_register_file(path)
    assert parsed.errors == []
    assert [(e.code, e.number, e.date, e.total) for e in parsed.entries] == [
        ("052002100113", "00008006", "2022-05-05", "25254.62"),
        (None, "24322000000489101796", "2024-12-05", "20000.00"),
    ]


def test_unknown_headers_need_a_map(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("票号,日子\n32321709,2019-09-19\n", encoding="utf-8")
    with pytest.raises(UsageError, match="--map"):
        read_register_file(path)
    parsed = read_register_file(path, {"票号": "number", "日子": "date"})
    assert parsed.entries[0].number == "32321709" and parsed.entries[0].date == "2019-09-19"


def test_reimport_adds_nothing(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(CHINESE + ROWS, encoding="utf-8")
    copy = tmp_path / "register-copy.csv"
    copy.write_text(CHINESE + ROWS + "044031800104,41108527,2019-03-19,x,92440300L08175019R,96.72,15.48,112.20\n", encoding="utf-8")
    with Ledger(tmp_path / "store.db") as ledger:
        parsed = read_register_file(path)
        first = ledger.import_register(parsed.entries, path.name, file_sha256(path), parsed.errors)
        again = ledger.import_register(parsed.entries, path.name, file_sha256(path), parsed.errors)
        parsed_copy = read_register_file(copy)
        overlap = ledger.import_register(parsed_copy.entries, copy.name, file_sha256(copy), parsed_copy.errors)
        assert (first.added, again.skipped_file, overlap.added, overlap.already_present) == (2, True, 1, 2)
        assert ledger.stats()["register_rows"] == 3


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2024-11-20", "2024-11-20"), ("2024/11/20", "2024-11-20"), ("2024年11月20日", "2024-11-20"),
     ("20241120", "2024-11-20"), ("2024-11-20 10:22:33", "2024-11-20"), ("2024-02-30", None), ("yesterday", None)],
)
def test_date_forms(text, iso):
    assert normal_date(text) == iso
