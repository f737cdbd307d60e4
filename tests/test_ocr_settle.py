"""Which fast readings stand: labels, 密码区 lines, QR-proven values, checked tax IDs — and
nothing else (names, unproven numbers, a wrong digit)."""

from capture.contract.qr import make_qr_payload, parse_qr
from capture.read.ocr.settle import ProvenValues, settled

#: A legacy e-invoice's QR payload, its CRC holding.
RAW = make_qr_payload("10", "032002300211", "73037267", "1883.78", "20230116", "88821254591766094936")


def _proven() -> ProvenValues:
    return ProvenValues.of([parse_qr(RAW)])


def test_labels_and_cipher_lines_stand_on_their_own():
    none = ProvenValues()
    assert settled("开票日期：", 0.99, none)
    assert settled("价税合计（大写）", 0.97, none)
    assert settled("货物或应税劳务、服务名称", 0.95, none)
    assert settled("8>840-<303-3+27393*2132*1684", 0.7, none)
    assert not settled("开票日期：", 0.8, none)  # not sure it is the label
    assert settled("818519609>0751486760066>9008", 0.99, none)  # one or two signs in a longer run
    assert not settled("22522000000060273896", 0.99, none)  # digits alone are no cipher line
    assert not settled("0351-93396106", 0.99, none) and not settled("62170000123456789012>", 0.99, none)
    assert not settled("*谷物*五常大米", 0.99, none)
    assert not settled("*谷物*", 0.99, none)


def test_titles_and_unit_words_stand_when_read_whole_and_surely():
    none = ProvenValues()
    assert settled("电子发票（增值税专用发票）", 0.92, none)
    assert settled("广东增值税专用发票", 0.95, none)
    assert settled("增值税电子普通发票", 0.95, none)
    assert not settled("电子发票（增值税专用发票）", 0.85, none)
    assert not settled("电子发票（增值稅专用发票）", 0.99, none)  # a look-alike is no title
    assert settled("千瓦时", 0.96, none) and settled("台", 0.99, none) and settled("PCS", 0.97, none)
    assert not settled("干瓦时", 0.99, none)  # a unit's look-alike is no unit
    assert not settled("吨", 0.93, none)  # a unit is an item's field: surely read, or read again
    assert settled("免税", 0.99, none) and settled("不征税", 0.96, none) and not settled("免税", 0.9, none)


def test_values_stand_where_the_qr_proves_them():
    proven = _proven()
    assert settled("发票号码：73037267", 0.9, proven)
    assert settled("开票日期：2023年01月16日", 0.9, proven)
    assert settled("¥1883.78", 0.9, proven)
    assert settled("校验码：88821 25459 17660 94936", 0.9, proven)
    assert not settled("发票号码：73037261", 0.99, proven)  # one digit off: the full model reads it
    assert not settled("¥1883.79", 0.99, proven)
    assert not settled("发票号码：73037267", 0.9, ProvenValues())  # no QR, no proof
    assert not settled("金额：73037267", 0.3, proven)


def test_a_qr_whose_crc_fails_proves_nothing():
    fields = RAW.split(",")
    fields[7] = "0000" if fields[7] != "0000" else "FFFF"
    assert ProvenValues.of([parse_qr(",".join(fields))]).values == frozenset()


def test_a_tax_id_stands_when_its_check_character_holds():
    none = ProvenValues()
    valid = "91110108551385082Q"  # 小米科技, check character holds
    assert settled(f"纳税人识别号：{valid}", 0.9, none)
    assert not settled(f"纳税人识别号：{valid[:-1]}R", 0.99, none)
    assert not settled(valid, 0.99, none)  # without its label it may be any 18 characters
