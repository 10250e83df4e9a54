"""The crawl's progress line and summary, worded by monitor for the crawler, in the language in use."""

from scrapy.utils.test import get_crawler

from crawler.progress import Progress
from crawler.settings import GOVWATCH_PROGRESS_LINE
from monitor.crawl_lines import PROGRESS_SETTING, summary
from monitor.i18n import set_language

RUN = {"id": 3, "site": "leda", "status": "finished", "seconds": 12.04, "pages_fetched": 301, "documents_new": 5,
       "documents_updated": 2, "documents_unchanged": 280, "errors": 1}


def counted_crawler(settings: dict):
    """A crawler whose stats say 40 pages, 12 items, 10 stored, 2 errors."""
    crawler = get_crawler(settings_dict={"GOVWATCH_PROGRESS_INTERVAL": 0, "GOVWATCH_PROGRESS_LINE": GOVWATCH_PROGRESS_LINE,
                                         **settings})
    for key, value in {"response_received_count": 40, "item_scraped_count": 12, "govwatch/documents_new": 7,
                       "govwatch/documents_unchanged": 3, "govwatch/fetch_errors": 2}.items():
        crawler.stats.set_value(key, value)
    return crawler


def progress_printed(settings: dict, capsys) -> str:
    Progress.from_crawler(counted_crawler(settings)).report()
    return capsys.readouterr().err


def test_the_crawler_alone_prints_its_english_line(capsys, chinese):
    assert progress_printed({}, capsys) == "crawling: 40 pages fetched, 12 items (10 stored), 2 errors\n"


def test_the_command_gives_the_crawler_its_line_in_the_language_in_use(capsys, chinese):
    assert progress_printed(PROGRESS_SETTING, capsys) == "采集中：已抓取 40 个页面，12 条记录（已存 10 条），2 个错误\n"


def test_the_crawls_of_a_fleet_print_one_line_of_their_counts_summed(capsys, chinese):
    extensions = [Progress.from_crawler(counted_crawler(PROGRESS_SETTING)) for _ in range(3)]
    for extension in extensions:
        extension.spider_opened(None)
    extensions[0].spider_closed(None)
    extensions[1].report()
    assert capsys.readouterr().err == (
        "采集中（3 个站点，2 个进行中）：已抓取 120 个页面，36 条记录（已存 30 条），6 个错误\n")
    for extension in extensions[1:]:
        extension.spider_closed(None)
    # The last crawl closed: the board is cleared, and a crawl alone prints its own line again.
    assert Progress.crawls == {} and Progress.loop is None
    assert progress_printed(PROGRESS_SETTING, capsys) == "采集中：已抓取 40 个页面，12 条记录（已存 10 条），2 个错误\n"


def test_the_summary_is_in_chinese_with_the_status_named(chinese):
    assert summary(RUN) == ("第 3 次采集（站点 leda）已完成：12.0 秒内抓取 301 个页面（每秒 25.0 个）；"
                            "文件 287 件：新增 5 件，更新 2 件，未变 280 件；错误 1 个。")
    assert "被中断" in summary({**RUN, "status": "shutdown"})
    # A close reason govwatch has no name for is shown as Scrapy wrote it, not dropped.
    assert "（站点 leda）closespider_errorcount：" in summary({**RUN, "status": "closespider_errorcount"})


def test_the_summary_in_english_keeps_the_figures_the_benchmarks_read():
    assert summary(RUN) == ("Crawl 3 of site leda completed: 301 pages fetched in 12.0 s (25.0 pages/s); "
                            "287 documents: 5 new, 2 updated, 280 unchanged; 1 errors.")


def test_the_nightly_leaves_progress_lines_of_either_language_out_of_a_crawl_error(chinese):
    from monitor.alerts.nightly import crawl_error, stage_result
    from monitor.crawl_lines import is_progress, progress_line

    chinese_line = progress_line({"pages": 1, "items": 0, "stored": 0, "errors": 1})
    stderr = "\n".join([chinese_line, "govwatch crawl: crawl 2 fetched nothing (1 request failed)", chinese_line,
                        "crawling: 1 pages fetched, 0 items (0 stored), 1 errors", "  http://p/: refused"])
    assert is_progress(chinese_line) and not is_progress("govwatch crawl: x")
    assert is_progress(progress_line({"sites": 2, "running": 1, "pages": 1, "items": 0, "stored": 0, "errors": 1}))
    assert crawl_error("", stderr) == "crawl 2 fetched nothing (1 request failed); http://p/: refused"
    assert stage_result("audit", "x")["title"] == "夜间运行的审核阶段失败"



def test_why_a_crawl_failed_in_each_language(chinese):
    from monitor.crawl_lines import failure

    empty = {**RUN, "pages_fetched": 0, "documents_unchanged": 0, "documents_new": 0, "documents_updated": 0}
    assert failure(RUN) is None
    assert failure(empty) == "第 3 次采集未抓取到任何页面（1 个请求失败）"
    assert failure({**RUN, "status": "closespider_timeout"}) == "第 3 次采集到达时限，未完成即停止"
    set_language("en")
    assert failure({**empty, "errors": 2}) == "crawl 3 fetched nothing (2 requests failed)"
    assert failure({**RUN, "status": "killed"}) == "crawl 3 ended with status 'killed'"
