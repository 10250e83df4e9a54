"""Which pages are annual reports, and which of their links are the report's files."""

import pytest

from crawler.annual_reports import is_annual_report, is_report_file, listed_report_title, report_files

DOWNLOAD = "http://portal/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=7"


@pytest.mark.parametrize("title", [
    "2020年政府信息公开工作年度报告",
    "临沂经济技术开发区2020 年政府信息公开工作年度报告",
    "经开区财政金融局2020年度政府信息公开年报",
    "关于2019年政府信息公开工作报告的公告",
])
def test_report_titles(title):
    assert is_annual_report(title, [])


@pytest.mark.parametrize("title", [
    "关于开展2020年度企业年报公示工作的通知",
    "政府信息公开工作年度报告编制指南",
    "2020年政府信息公开指南",
    None,
])
def test_other_titles(title):
    assert not is_annual_report(title, ["政府信息公开", "通知公告"])


def test_a_dated_page_of_the_annual_reports_column_is_a_report():
    assert is_annual_report("2020年度报告", ["政府信息公开", "政府信息公开年报"])


def test_an_undated_page_of_the_annual_reports_column_is_not():
    assert not is_annual_report("年度报告编制说明", ["政府信息公开", "年度报告"])


@pytest.mark.parametrize("url, name", [
    ("http://portal/uploadfiles/2021/0120/report.pdf", "2020年报告"),
    ("http://portal/uploadfiles/report.PDF", None),
    ("http://portal/u/%E5%B9%B4%E6%8A%A5.docx", None),
    ("http://portal/u/report.doc", None),
    ("http://portal/u/report.wps", None),
    ("http://portal/u/report.ofd", None),
    (DOWNLOAD, "2020年政府信息公开工作年度报告"),
    (DOWNLOAD, "2020年政府信息公开工作年度报告.pdf"),
    ("http://portal/system/downfile.jsp?id=9", None),
])
def test_report_files(url, name):
    assert is_report_file(url, name)


@pytest.mark.parametrize("url, name", [
    ("http://portal/uploadfiles/tables.xls", "附表"),
    ("http://portal/uploadfiles/all.zip", None),
    (DOWNLOAD, "附件2：统计表.xlsx"),
    ("http://portal/info/1061/2001.htm", "2020年政府信息公开工作年度报告"),
])
def test_other_files(url, name):
    assert not is_report_file(url, name)


def test_a_report_page_downloads_only_its_report_files():
    attachments = [{"name": "年报.pdf", "url": "http://portal/a.pdf"}, {"name": "附表.xls", "url": "http://portal/b.xls"}]
    assert report_files("2020年政府信息公开工作年度报告", [], attachments) == attachments[:1]


def test_another_page_downloads_nothing():
    assert report_files("关于做好2020年防汛工作的通知", ["通知公告"], [{"name": "a.pdf", "url": "http://portal/a.pdf"}]) == []


def test_a_listing_title_attribute_beats_shortened_text():
    assert listed_report_title(DOWNLOAD, "2018年政府信息公开工…", "2018年政府信息公开工作年度报告") == (
        "2018年政府信息公开工作年度报告")


def test_a_listing_link_named_only_by_its_file():
    url = "http://portal/u/2020%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B9%B4%E6%8A%A5.pdf"
    assert listed_report_title(url, "下载") == "2020年政府信息公开年报.pdf"


@pytest.mark.parametrize("url, text", [
    ("http://portal/u/notice.pdf", "关于开展2020年度企业年报公示工作的通知"),
    ("http://portal/info/1061/2001.htm", "2020年政府信息公开工作年度报告"),
    ("http://portal/u/tables.xls", "2020年政府信息公开工作年度报告附表"),
])
def test_other_listing_links(url, text):
    assert listed_report_title(url, text) is None
