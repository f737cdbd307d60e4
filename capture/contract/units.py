"""The words invoices print as a 单位 (计量单位): a closed list of measures and counting words.

A look-alike of a unit is no unit (干瓦时 for 千瓦时), so a 单位 read as one of these words whole
is a unit read right where the recogniser was sure enough (capture/extract/scan_table.py), and a
fast reading of one needs no second read (capture/read/ocr/settle.py).
"""

from __future__ import annotations

_UNIT_WORDS = (
    "个 件 台 套 只 支 张 本 册 盒 箱 包 袋 瓶 桶 罐 卷 把 副 双 对 条 根 块 片 粒 部 辆 车 组 批 份 "
    "次 项 期 人 天 日 月 年 季 晚 间 票 单 页 度 吨 克 斤 升 米 千克 公斤 毫升 公升 厘米 毫米 公里 千米 "
    "平方米 立方米 千瓦时 人次 人天 人月 间夜 小时 台次 车次 PCS pcs 元"
)
KNOWN_UNITS = frozenset(_UNIT_WORDS.split())
