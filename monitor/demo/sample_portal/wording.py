"""Titles, body text and dates worded the way the leda portal words them.

Pure functions of a seeded ``random.Random``; the phrase pools are plain data. Every
character here is encodable as GBK, because some pages are served in it.
"""

import datetime as dt
import random
import sys

_CN_DIGITS = "〇一二三四五六七八九"

_POLICIES = (
    "持续深入优化营商环境的实施意见", "深化制度创新加快流程再造的实施意见",
    "支持中小微企业健康发展的若干措施", "加快现代物流产业高质量发展的实施方案",
    "促进科技创新的若干政策", "进一步稳定和扩大就业的通知", "加强安全生产工作的意见",
    "推进农村人居环境整治的实施方案", "支持企业上市挂牌的扶持办法", "人才引进和培养的实施办法",
    "加快推进新型基础设施建设的意见", "做好疫情防控期间复工复产工作的通知",
    "规范行政事业性收费管理的通知", "推进工程建设项目审批制度改革的实施方案",
)
_PROJECTS = (
    "沂河路北延道路工程", "经开区第二污水处理厂扩建", "智能制造产业园标准化厂房",
    "芝麻墩街道棚户区改造", "梅埠街道中心幼儿园", "临沂综合保税区配套仓储",
    "滨河东路雨污分流改造", "朝阳街道卫生院迁建", "新能源汽车零部件产业园",
    "沭河大街路灯亮化", "经开区实验中学教学楼", "高铁片区安置房一期",
)
_PLACES = ("沂河路以东、长深高速以西", "滨河东路与华夏路交汇处东北", "沭河大街以北、上海路以南",
           "芝麻墩街道黄埠村", "梅埠街道徐宋庄村", "朝阳街道三官庙村")
_MATTERS = (
    "做好元旦春节期间安全生产工作", "开展消防安全专项检查", "公布行政许可事项清单",
    "做好防汛工作", "开展营商环境满意度调查", "征集民生实事项目建议", "做好秸秆禁烧工作",
    "开展打击非法集资宣传月活动", "公布第一批政务服务“一次办好”事项", "调整部分公交线路",
    "做好冬季供暖工作", "开展企业年报公示工作", "规范建筑工地扬尘治理", "开展农民工工资支付专项检查",
)
_ACTIVITIES = (
    "召开安全生产工作会议", "开展政务服务进企业活动", "组织重点项目现场观摩",
    "召开疫情防控工作调度会", "开展“双随机、一公开”检查", "召开党风廉政建设工作会议",
    "组织开展消防应急演练", "走访调研重点企业", "召开营商环境工作推进会", "开展食品安全宣传周活动",
    "召开重点项目建设推进会", "开展文明城市创建志愿服务", "召开主题教育总结会议",
)
_SENTENCES = (
    "会议传达学习了上级有关文件精神，安排部署了下一阶段重点工作。",
    "各有关单位要提高思想认识，压实工作责任，确保各项任务落到实处。",
    "下一步，将继续强化统筹调度，加大督导检查力度，推动工作取得实效。",
    "此次活动进一步增强了干部群众的参与意识，取得了良好的社会效果。",
    "相关负责同志就具体问题进行了解答，并提出了明确的工作要求。",
    "为进一步规范工作流程，提高服务效能，结合经开区实际，制定本方案。",
    "各单位要按照职责分工，密切配合，形成工作合力。",
    "对工作中发现的问题，要立行立改，建立台账，逐项销号。",
    "本次检查共出动执法人员四十余人次，检查企业十余家。",
    "请各单位高度重视，认真组织，按时报送有关材料。",
    "如有疑问，请在工作日与经开区有关部门联系。",
    "会议要求，要坚持以人民为中心的发展思想，切实解决群众急难愁盼问题。",
    "活动现场发放宣传资料五百余份，接受群众咨询一百余人次。",
    "全体参会人员一致表示，将以此次会议为契机，推动各项工作再上新台阶。",
    "项目建成后，将有效改善周边群众生产生活条件。",
    "各产业中心要加强协调配合，确保项目按期推进。",
)


def cn_date(day: dt.date) -> str:
    """A date as signatures write it in Chinese numerals: ``二〇二〇年三月二日``."""
    year = "".join(_CN_DIGITS[int(ch)] for ch in str(day.year))
    return f"{year}年{_cn_small(day.month)}月{_cn_small(day.day)}日"


def _cn_small(number: int) -> str:
    """1..31 in positional Chinese numerals (十, 十二, 二十, 三十一)."""
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[units] if units else "")


def arabic_date(day: dt.date) -> str:
    """A date as signatures write it in Arabic digits: ``2020年3月2日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def title_for(rng: random.Random, kind: str, published: dt.date, unit: str) -> str:
    """A plausible title for a document of column ``kind`` published on ``published`` by ``unit``."""
    choice = rng.choice
    year = published.year
    last_month = published.replace(day=1) - dt.timedelta(days=1)
    period = rng.randint(1, 24)
    titles = {
        "zcjd": lambda: f"{choice(('', '图解：', '一图读懂'))}《临沂经济技术开发区关于{choice(_POLICIES)}》"
                        f"{choice(('政策解读', '解读'))}",
        "czxx": lambda: choice((f"{unit}{year}年部门预算公开", f"{unit}{year - 1}年部门决算公开",
                                f"经开区{last_month.year}年{last_month.month}月财政收支情况",
                                f"{unit}{year}年预算绩效目标公开")),
        "zdjsxm": lambda: f"{choice(_PROJECTS)}项目{choice(('批准信息', '施工许可信息', '招标公告', '中标结果公示', '竣工验收信息'))}",
        "ggzypz": lambda: choice((f"{choice(_PLACES)}地块国有建设用地使用权挂牌出让公告",
                                  f"{choice(_PROJECTS)}项目政府采购中标公告",
                                  f"{choice(_PLACES)}地块出让结果公示")),
        "xzqlyx": lambda: f"{choice(('行政许可', '行政处罚', '行政强制'))}信息公示（{year}年第{period}期）",
        "ggjg": lambda: choice((f"{year}年第{period}期食品安全监督抽检信息公告",
                                f"关于{choice(_MATTERS)}情况的通报")),
        "jgzn": lambda: f"{unit}{choice(('机构职能', '领导分工', '内设机构及职责'))}",
        "ghjh": lambda: f"{unit}{year}年{choice(('工作计划', '工作要点', '重点工作任务分解'))}",
        "tzgg": lambda: f"关于{choice(_MATTERS)}的{choice(('通知', '公告', '通告'))}",
        "zcwj": lambda: f"临沂经济技术开发区管委会关于{choice(_POLICIES)}",
        "gzdt": lambda: f"{unit}{choice(_ACTIVITIES)}",
        "rsxx": lambda: f"{year}年经开区{choice(('公开招聘工作人员公告', '拟聘用人员公示', '干部任前公示'))}",
        "ywpx": lambda: f"{unit}{choice(('召开政务公开业务培训会', '组织政务公开专题培训', '开展信息公开保密审查培训'))}",
    }
    return titles[kind]()


def paragraphs(rng: random.Random) -> list[str]:
    """Two to four body paragraphs of two or three sentences each.

    Paragraphs are interned: there are only a few thousand distinct ones, and a site
    scaled to 100,000 documents would otherwise hold each many times over.
    """
    return [sys.intern("".join(rng.sample(_SENTENCES, rng.randint(2, 3)))) for _ in range(rng.randint(2, 4))]


def effective_sentence(day: dt.date) -> str:
    """A sentence naming a date inside the body (not a signature): a trap for date parsers."""
    return f"本文件自{arabic_date(day)}起施行，有效期两年。"


_REVISIONS = ("更正了部分文字表述", "补充了联系方式", "更新了附件说明", "调整了实施时间表述", "补充了政策依据")


def revision_note(rng: random.Random, day: dt.date) -> str:
    """A closing note saying the page was revised on ``day``: the trace of an edit."""
    return f"（本文于{arabic_date(day)}修订，{rng.choice(_REVISIONS)}。）"
