"""Documents planted for the inspection checks (``monitor.audit.rulebook``), each with the
finding kind it should give, or none for a decoy that looks like a case but is not one.

They are added after every random choice of ``build_portal`` is made, dated in 2021
(never in 2020, whose annual report is audited), in columns of their own or, in a
generated column, in mid-year (never its newest), so the site's other planted figures
stay as they were. Decoys: an ID number whose check digit is wrong, a landline and a
service number, figures that are index numbers and 文号.

Two columns of the catalogue exist for these checks only: 党建动态, a news column whose
one document is from March (stale at the end of 2021), and 应急预案, which lists nothing.

The link checks' cases are links on documents already there (no document is added for
them, so no count changes): every policy interpretation (政策解读) links the policy it
interprets, except those at ``UNLINKED_INTERPRETATIONS``; the first of 2021 also links a
policy that is not on the portal (``MISSING_POLICY``), the second a 图解 image whose
server refuses HEAD (405) but answers a GET of its first byte (a decoy: alive); and the
newest generated 2021 document with an attachment has its file gone from the server.
"""

import datetime as dt

MID_2021 = dt.date(2021, 6, 15)
# (finding kind or "" for a decoy, column slug, date, title, paragraphs, attachment names)
CASES = (
    ("stale_column", "djdt", dt.date(2021, 3, 1), "经开区党工委召开2021年党史学习教育动员会",
     ("3月1日，经开区党工委召开党史学习教育动员会。",), ()),
    ("personal_data", "tzgg", MID_2021, "关于2021年度困难群众临时救助情况的公示",
     ("经审核，现将2021年度第二批临时救助对象公示如下。",
      "救助对象：张某某，身份证号：371302198503127717，救助金额3000元。",
      "公示期为5个工作日，如有异议请向经开区社会事业局反映。"), ()),
    ("", "tzgg", MID_2021, "关于2021年度困难群众临时救助情况的补充公示",
     ("现将临时救助补充对象公示如下。",
      "救助对象：赵某某，身份证号：371302198503127715，救助金额2000元。",
      "依据临经开社发〔2021〕12号，索引号 jingkaiqushsyj/2021-0000012。"), ()),
    ("personal_data", "tzgg", MID_2021, "关于2021年度农村危房改造项目联系人（13912345678）的通知",
     ("为做好农村危房改造工作，现将项目联系人通知如下。",
      "联系人：李某，联系电话：13912345678。"), ()),
    ("", "tzgg", MID_2021, "关于开通2021年度政务服务咨询电话的通知",
     ("为方便群众办事，现公布政务服务咨询电话。",
      "咨询电话：0539-8712345，服务热线：12345，传真：0539-87123456。"), ()),
    ("personal_data", "tzgg", MID_2021, "关于2021年度见义勇为人员申报材料的公示",
     ("现将见义勇为人员申报材料公示如下，详见附件。",), ("王某某_371302199208154418_申报表.pdf",)),
)

# An annual report on 2019 put up in February 2021, most of a year late (the area reports
# as a government: due 31 March 2020): the 2020 report copies its prose, and its 结转下年度继续办理
# (3) is not the 2020 report's 上年结转 (0).
LATE_REPORT = ("report_late", "临沂经济技术开发区2019年政府信息公开工作年度报告", dt.date(2021, 2, 15),
               "annual_report_2019.md")

# The year the link cases are planted in, and the positions (by article id) among that
# year's interpretations of those that link no policy.
LINKS_YEAR = 2021
UNLINKED_INTERPRETATIONS = (4, 9)
# (path, text) of a policy an interpretation links that the portal does not serve.
MISSING_POLICY = ("/info/1044/99001.htm", "关于印发经开区优化营商环境若干措施的通知")
# Where the 图解 images live (one per interpretation given one, by article id).
IMAGES = "/uploads/zcjd/"
