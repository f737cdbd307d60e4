"""The desk's words in Chinese (the default) and English (`capture review --lang en`): buttons,
headings, statuses, reason tags, field labels, and each reason a record waits for, said in
Chinese first with the pipeline's own (English) message after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from capture.contract.fields import LABELS, label
from capture.contract.kinds import kind_name
from capture.contract.record import Record

LANGS = ("zh", "en")

#: key -> (中文, English)
WORDS: dict[str, tuple[str, str]] = {
    "desk": ("发票复核台", "Review desk"),
    "queue": ("待复核", "Queue"),
    "audit": ("操作记录", "Audit trail"),
    "logout": ("退出", "Log out"),
    "in_review": ("张待复核", "in review"),
    "shown": ("张显示", "shown"),
    "awaiting_export": ("张已接受、待导出", "accepted, awaiting export"),
    "reason": ("原因", "Reason"),
    "run": ("批次", "Run"),
    "seller": ("销售方", "Seller"),
    "all": ("全部", "all"),
    "seller_hint": ("名称或税号", "name or tax ID"),
    "filter": ("筛选", "Filter"),
    "invoice": ("发票", "Invoice"),
    "total": ("价税合计", "Total"),
    "why": ("原因", "Why"),
    "file": ("文件", "File"),
    "no_number": ("（无号码）", "(no number)"),
    "nothing_waits": ("没有待复核的发票", "Nothing waits for review"),
    "with_filters": ("（按当前筛选）", " with these filters"),
    "page": ("第 {n} 页", "page {n}"),
    "status": ("状态", "status"),
    "no_image": ("此文件没有页面图像（{kind}），字段见下方。", "This file has no page image ({kind}); the fields are below."),
    "no_file": ("在配置的文件夹中找不到源文件（文件名和 sha256 须一致）。",
                "The source file was not found in the configured folders (name and sha256 must match)."),
    "why_waits": ("待复核原因", "Why it waits"),
    "conflicts_with": ("与{title}冲突", "Conflicts with {title}"),
    "field": ("字段", "Field"),
    "this_invoice": ("本发票", "This invoice"),
    "checks_failed": ("{n} 项校验未通过", "{n} check(s) failed"),
    "confidence": ("置信度", "confidence"),
    "note": ("备注", "Note"),
    "note_hint": ("原因（记入操作记录）", "why (kept in the audit trail)"),
    "accept": ("接受", "Accept"),
    "register_wrong": ("接受（登记簿那一行有误）", "Accept (the register row is wrong)"),
    "separate": ("作为另一张发票接受", "Accept as a separate invoice"),
    "separate_hint": ("先改正读错的发票代码或号码", "fix the misread invoice code or number first"),
    "conflict_hint": ("冲突的发票不能原样接受。", "A conflict cannot be accepted as it is."),
    "duplicate": ("重复", "Duplicate"),
    "reject": ("拒绝", "Reject"),
    "next": ("下一张", "Next"),
    "decided": ("已处理：{status}。", "Decided: {status}."),
    "decisions": ("处理记录", "Decisions"),
    "flash": ("记录 {id} 现在是：{status}", "Record {id} is now {status}"),
    "refused": ("未接受：", "Not accepted:"),
    "when": ("时间", "When"),
    "who": ("操作人", "Who"),
    "record": ("记录", "Record"),
    "action": ("操作", "Action"),
    "changes": ("更改", "Changes"),
    "result": ("结果", "Result"),
    "no_decisions": ("还没有任何操作。", "No decisions yet."),
    "keys": ("快捷键：<kbd>a</kbd> 接受 · <kbd>e</kbd> 编辑第一个有问题的字段 · <kbd>d</kbd> 重复 · <kbd>r</kbd> 拒绝 · "
             "<kbd>n</kbd> 下一张 · <kbd>q</kbd> 待复核 · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> 在字段中接受",
             "Keys: <kbd>a</kbd> accept · <kbd>e</kbd> edit first field in question · <kbd>d</kbd> duplicate · "
             "<kbd>r</kbd> reject · <kbd>n</kbd> next · <kbd>q</kbd> queue · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> accept from a field"),
    "login": ("登录", "Log in"),
    "password": ("口令", "Password"),
    "login_hint": ("此复核台在局域网上开放，请输入共享口令。", "This desk is open on the network: enter the shared password."),
    "login_failed": ("口令不对。", "Wrong password."),
    "expired": ("此表单已过期：请刷新页面。", "This form has expired: reload the page."),
    "unknown_action": ("未知操作。", "Unknown action."),
    "already_decided": ("记录 {id} 已处理（{status}）。", "Record {id} was already decided ({status})."),
    "decided_meanwhile": ("记录 {id} 刚被别人处理了。", "Record {id} was decided meanwhile."),
    "not_found": ("找不到", "Not found"),
}
STATUSES = {
    "ready": ("就绪（可导入）", "ready"), "review": ("待复核", "review"),
    "duplicate": ("重复", "duplicate"), "rejected": ("已拒绝", "rejected"), "refused": ("未接受", "refused"),
}
ACTIONS = {
    "accept": ("接受", "accept"), "fix": ("改正并接受", "fix"), "separate": ("作为另一张发票接受", "separate"),
    "register_wrong": ("登记簿那一行有误", "register row wrong"), "duplicate": ("标为重复", "duplicate"),
    "reject": ("拒绝", "reject"),
}
RULES = {
    "field_present": "未能读出", "field_valid": "格式无效", "number_format": "号码或代码的格式不符",
    "uscc_check_digit": "校验位不符（有字符读错或录错）", "date_valid": "日期无效",
    "amount_plus_tax": "金额 + 税额 ≠ 价税合计", "invoice_tax": "合计税额与明细不符",
    "line_tax": "明细的税额与金额 × 税率不符", "quantity_price": "数量 × 单价 ≠ 金额",
    "total_in_words": "大写金额与价税合计不符", "tax_rate_allowed": "税率不在允许的范围内",
    "rate_in_period": "税率与开票日期适用的税率不符", "qr_agreement": "与二维码不一致", "qr_crc": "二维码校验失败", "qr_only": "只从二维码读出，请核对",
    "qr_present": "未读到二维码", "code_matches_kind": "发票代码与发票种类不符", "kind_consistent": "发票种类前后不一致",
    "ocr_confidence": "识别置信度低，请核对", "ocr_character": "有一个字识别把握不大，请核对", "scan_layout": "版面存疑，请核对",
    "supplier_directory": "登记簿中此税号对应另一个销方名称", "platform_match": "与税务平台清单一致",
    "manual_correction": "人工更正", "repaired": "已自动修复", "reviewed": "已复核", "register_corrected": "登记簿已更正",
}
TAGS = {"conflict": "冲突", "near_match": "疑似重复", "platform": "税务平台", "other": "其他"}
ITEM_LEAVES = {
    "name": "名称", "spec": "规格型号", "unit": "单位", "quantity": "数量", "unit_price": "单价",
    "amount": "金额", "tax_rate": "税率", "tax": "税额",
}
WHERE = {"the register": "登记簿", "this batch": "本批次", "an earlier run": "以前的批次"}
_CONFLICT = re.compile(r"^(the register|this batch|an earlier run) holds invoice (\S*) with different facts")
_ALREADY = re.compile(r"^already in (the register|this batch|an earlier run)")
_POSSIBLE = re.compile(r"^possible duplicate: (the register|this batch|an earlier run) holds invoice (\S+)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Said:
    """A text as the desk shows it: the main words, and the original message after them."""

    main: str
    original: str = ""


class Words:
    """The desk's words in one language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: zh or en")
        self.lang = lang
        self.zh = lang == "zh"

    def __call__(self, key: str, **values: object) -> str:
        chinese, english = WORDS[key]
        return (chinese if self.zh else english).format(**values)

    def status(self, status: str) -> str:
        return _pick(STATUSES, status, self.zh)

    def action(self, action: str) -> str:
        return _pick(ACTIONS, action, self.zh)

    def tag(self, tag: str) -> str:
        """A reason tag: the duplicate rules' tags and the checks' rule names."""
        if not self.zh:
            return tag
        return TAGS.get(tag) or RULES.get(tag) or tag

    def kind(self, kind: str | None) -> str:
        return kind_name(kind, self.lang)

    def label(self, name: str) -> str:
        """A field's name: Chinese only (销售方纳税人识别号, 第 2 行 金额), or the English label."""
        if not self.zh:
            return label(name)
        if name.startswith("items["):
            index, _, leaf = name[6:].partition("].")
            return f"第 {int(index) + 1} 行 {ITEM_LEAVES.get(leaf, leaf)}"
        found = re.search(r"\(([^()]*)\)$", LABELS.get(name, ""))
        return found[1] if found else name

    def check(self, rule: str, field: str, message: str) -> Said:
        """A check's message: in Chinese, the field and what the rule says, then the message."""
        if not self.zh or _CJK.match(message):
            return Said(message)
        what = RULES.get(rule)
        if what is None:
            return Said(message)
        where = "" if field in ("*", "") else f"{self.label(field)}："
        return Said(where + what, message)

    def reason(self, reason: str, record: Record) -> Said:
        """Why a record waits, Chinese first: a failed check's message by its rule, the
        duplicate rules' words by their pattern; a reason already in Chinese as it is."""
        if not self.zh or _CJK.match(reason):
            return Said(reason)
        check = next((c for c in record.checks if c.message == reason), None)
        if check is not None:
            return self.check(check.rule, check.field, reason)
        if found := _CONFLICT.match(reason):
            return Said(f"冲突：{WHERE[found[1]]}已有发票 {found[2]}，但内容不同", reason)
        if found := _ALREADY.match(reason):
            return Said(f"重复：{WHERE[found[1]]}中已有这张发票", reason)
        if found := _POSSIBLE.match(reason):
            return Said(f"疑似重复：{WHERE[found[1]]}中有发票 {found[2]}，销方、日期、价税合计相同，号码相近", reason)
        if reason.startswith("marked a duplicate by"):
            return Said("已标为重复", reason)
        if reason.startswith("marked rejected by"):
            return Said("已拒绝", reason)
        if reason.startswith("not an invoice"):
            return Said("不是发票：此页上没有发票标题、号码或二维码", reason)
        return Said(reason)


def _pick(table: dict[str, tuple[str, str]], key: str, zh: bool) -> str:
    found = table.get(key)
    return key if found is None else found[0 if zh else 1]
