"""A label inside the 备注 box belongs to the remarks' own text: 项目名称：… printed in the remarks
of a 建筑服务 invoice is no seller 名称 (fresh photo_hard seed 2026120799, photo 0021, went out
`ready` with the project's name as the seller's when the seller's own label lost its colon)."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page


def _token(text, x, y):
    return Token(text, x, y, x + 12.0 * len(text), y + 12, 0.99)


def _page(seller_label: str) -> Page:
    tokens = [
        _token("四川增值税电子普通发票", 200, 20),
        _token("价税合计(大写)", 60, 300), _token("壹佰圆整", 200, 300), _token("(小写)¥100.00", 420, 300),
        _token(seller_label, 75, 320), _token("成都凯旋新能源科技股份有限公司", 130, 320),
        _token("项目名称：成都武侯区商业综合体改造工程项目地址", 372, 318),
        _token("销", 59, 328), _token("备", 350, 328),
        _token("：成都市武侯区花园路815号致远写字楼27楼", 373, 332),
        _token("纳税人识别号：91510110MA8K8JQMJ9", 75, 340),
        _token("注", 349, 360),
        _token("收款人", 64, 385), _token("开票人：薛雨刚", 315, 385),
    ]
    return Page(1, 610, 400, tokens, "image")


def test_a_name_label_in_the_remarks_is_not_the_sellers():
    draft = extract_page(_page("名称"))  # the seller's label read without its colon
    assert draft.invoice["seller"]["name"] is None
    assert draft.invoice["remarks"].startswith("项目名称：成都武侯区商业综合体改造工程")


def test_the_sellers_own_label_still_gives_its_name_beside_the_remarks():
    draft = extract_page(_page("名称："))
    assert draft.invoice["seller"]["name"] == "成都凯旋新能源科技股份有限公司"
