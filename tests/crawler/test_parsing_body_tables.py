"""Tables inside a document's body keep their rows: one line per row, cells tab-separated."""

from crawler.parsing import parse_page

PAGE = """<html><body><div class="v_news_content">
<p>申请情况如下：</p>
<table>
<tr><td>一、本年新收</td><td>3</td><td></td><td>0</td><td>3</td></tr>
<tr><td></td><td>(七) 总计</td><td>3</td></tr>
</table>
<p>二〇二一年一月二十日</p>
</div></body></html>""".encode()

RECORD = parse_page(PAGE, "http://portal/info/1/1.htm")


def test_each_table_row_is_one_line_of_tab_separated_cells():
    assert "一、本年新收\t3\t\t0\t3" in RECORD["body_text"].splitlines()


def test_leading_empty_cells_are_kept_for_alignment():
    assert "\t(七) 总计\t3" in RECORD["body_text"].splitlines()


def test_paragraphs_around_the_table_stay_lines():
    lines = RECORD["body_text"].splitlines()
    assert lines[0] == "申请情况如下：" and lines[-1] == "二〇二一年一月二十日"
