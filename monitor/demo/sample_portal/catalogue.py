"""The fixed shape of the sample site: publishers, columns and documents per year.

Counts per year and column are chosen so that the 2020 annual report's figures can be
audited against known answers: 2763 documents published in 2020 (matches the claim),
41 policy interpretations (the report claims 43) and 712 key-area items (the report
claims "700 余条").
"""

import datetime as dt
from dataclasses import dataclass

SEED = 20210120
# The state of the site on this day; ``day`` counts days after it.
EPOCH = dt.date(2022, 1, 10)
# VSB's site owner id, used by click counters and attachment links.
OWNER = 1234
PAGE_SIZE = 20
NEWS_COLUMN = 1001
ROOT = "政府信息公开"

# organisation code of each publisher (the prefix of its index numbers)
PUBLISHERS = {
    "经开区党政办公室": "jingkaiqudzb",
    "经开区自然资源和规划分局": "jingkaiquqtfj",
    "经开区财政金融局": "jingkaiquczj",
    "经开区社会事业局": "jingkaiqushsyj",
    "经开区市场监督管理局": "jingkaiquscjgj",
    "经开区经济发展局": "jingkaiqujjfzj",
    "经开区应急管理局": "jingkaiquyjglj",
}
DOCNO_PREFIX = {
    "经开区党政办公室": "临经开党政办发", "经开区自然资源和规划分局": "临经开自规发",
    "经开区财政金融局": "临经开财发", "经开区社会事业局": "临经开社发",
    "经开区市场监督管理局": "临经开市监发", "经开区经济发展局": "临经开经发",
    "经开区应急管理局": "临经开应急发",
}
_ALL = tuple(PUBLISHERS)
_DZB, _ZRZY, _CZ, _SHSY, _SCJG, _JJFZ, _YJ = _ALL


@dataclass(frozen=True, slots=True)
class Column:
    """A leaf column of the disclosure section; ``path`` runs from 政府信息公开 down."""

    cid: int
    slug: str
    path: tuple[str, ...]
    publishers: tuple[str, ...]
    category: str

    @property
    def breadcrumb(self) -> str:
        """The trail a detail page shows, 首页 first (without the 正文 marker)."""
        return " >> ".join(("首页",) + self.path)

    @property
    def name(self) -> str:
        return self.path[-1]


def _col(cid, slug, tail, publishers, category):
    return Column(cid, slug, (ROOT, *tail), publishers, category)


_KEY, _STATUTORY, _SAFEGUARDS = "重点领域信息公开", "法定主动公开内容", "保障机制"
COLUMNS = (
    _col(1021, "zcjd", ("政策解读",), _ALL, "政策解读"),
    _col(1031, "czxx", (_KEY, "财政信息"), (_CZ,), "财政预决算"),
    _col(1032, "zdjsxm", (_KEY, "重大建设项目"), (_JJFZ, _ZRZY), "重大建设项目"),
    _col(1033, "ggzypz", (_KEY, "公共资源配置"), (_ZRZY, _CZ), "公共资源配置"),
    _col(1034, "xzqlyx", (_KEY, "行政权力运行"), (_SCJG, _DZB, _YJ), "行政权力运行"),
    _col(1035, "ggjg", (_KEY, "公共监管"), (_SCJG, _YJ), "公共监管"),
    _col(1041, "jgzn", (_STATUTORY, "机构职能"), _ALL, "机构职能"),
    _col(1042, "ghjh", (_STATUTORY, "规划计划"), (_ZRZY, _JJFZ, _DZB), "规划计划"),
    _col(1043, "tzgg", (_STATUTORY, "通知公告"), _ALL, "通知公告"),
    _col(1044, "zcwj", (_STATUTORY, "政策文件"), (_DZB,), "政策文件"),
    _col(1045, "gzdt", (_STATUTORY, "工作动态"), _ALL, "工作动态"),
    _col(1046, "rsxx", (_STATUTORY, "人事信息"), (_DZB, _SHSY), "人事信息"),
    # For the inspection checks only (``planted``): a stale news column, a blank column.
    _col(1047, "djdt", (_STATUTORY, "党建动态"), (_DZB,), "工作动态"),
    _col(1048, "yjya", (_STATUTORY, "应急预案"), (_YJ,), "应急预案"),
    _col(1051, "ywpx", (_SAFEGUARDS, "组织管理", "业务培训"), _ALL, ""),
    _col(1061, "xxgknb", ("政府信息公开年报",), (_DZB,), "政府信息公开年报"),
)

# Documents per year and column (the annual report is added separately, in 2021).
COUNTS = {
    2019: {"zcjd": 12, "czxx": 50, "zdjsxm": 25, "ggzypz": 40, "xzqlyx": 30, "ggjg": 15, "jgzn": 8,
           "ghjh": 15, "tzgg": 80, "zcwj": 30, "gzdt": 90, "rsxx": 10, "ywpx": 5},
    2020: {"zcjd": 41, "czxx": 210, "zdjsxm": 118, "ggzypz": 164, "xzqlyx": 150, "ggjg": 70, "jgzn": 22,
           "ghjh": 58, "tzgg": 640, "zcwj": 180, "gzdt": 1050, "rsxx": 48, "ywpx": 12},
    2021: {"zcjd": 15, "czxx": 55, "zdjsxm": 30, "ggzypz": 45, "xzqlyx": 35, "ggjg": 20, "jgzn": 6,
           "ghjh": 18, "tzgg": 90, "zcwj": 35, "gzdt": 100, "rsxx": 12, "ywpx": 6},
}
ANNUAL_REPORT_TITLE = "临沂经济技术开发区2020年政府信息公开工作年度报告"
ANNUAL_REPORT_PUBLISHED = dt.date(2021, 1, 20)
