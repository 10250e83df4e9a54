"""Patterns the real pages show, in other shapes than the saved ones.

Each page here is a few lines written for one pattern of "What real pages and reports
do" (field notes), so a fix for a saved page is checked on the pattern, not the page.
"""

from crawler.parsing import parse_page


def _parse(body: str, url: str = "http://portal.example/info/1/2.htm") -> dict:
    record = parse_page(body.encode("utf-8"), url)
    assert not [w for w in record["warnings"] if w.startswith("parse failed")]
    return record


def test_breadcrumb_with_arrow_images_between_links():
    record = _parse('<div class="crumbs"><a href="/">首页</a><img src="arrow.gif"><a href="/zwgk/">政务公开</a>'
                    '<img src="arrow.gif"><a href="/zwgk/tzgg/">通知公告</a></div><h1>关于开展检查的通知</h1>')
    assert record["breadcrumb"] == ["首页", "政务公开", "通知公告"]


def test_breadcrumb_weizhi_span_with_guillemets():
    record = _parse('<p><span>位置：</span><a href="/">首页</a> » <a href="/xxgk/">信息公开</a> » 政策解读</p>'
                    '<h1>解读</h1>')
    assert record["breadcrumb"] == ["首页", "信息公开", "政策解读"]


def test_breadcrumb_only_inside_a_script_is_no_trail():
    record = _parse('<script>var crumbs = {"当前位置": "首页 > 政务公开 > 通知"};</script><h1>标题</h1>')
    assert record["breadcrumb"] == []


def test_column_name_meta_only_as_fallback():
    page = ('<meta name="ColumnName" content="通知公告"><div class="position">当前位置：'
            '<a href="/">首页</a> &gt; <a href="/a/">政务公开</a> &gt; <a href="/a/b/">通知公告</a></div>')
    assert _parse(page)["breadcrumb"] == ["首页", "政务公开", "通知公告"]
    assert _parse('<meta name="ColumnName" content="通知公告"><p>正文</p>')["breadcrumb"] == ["通知公告"]


def test_a_class_named_position_relative_is_not_a_breadcrumb():
    record = _parse('<div class="position-relative"><a href="/">网站首页</a><a href="/en/">English</a></div><h1>标题</h1>')
    assert record["breadcrumb"] == []


def test_pubdate_equal_to_the_generation_comment_is_not_the_publication_date():
    page = ('<meta name="PubDate" content="2024-05-06 08:00:01"><!-- 页面生成时间：2024-05-06 08:00:01 -->'
            '<h1>关于公布名单的公告</h1><div id="zoom"><p>正文。</p></div>')
    record = _parse(page)
    assert record["published_on"] is None
    assert any("generation time" in warning for warning in record["warnings"])


def test_pubdate_fills_a_page_without_a_visible_date():
    page = '<meta name="PubDate" content="2024-05-01 10:00"><h1>关于公布名单的公告</h1>'
    assert _parse(page)["published_on"] == "2024-05-01"


def test_visible_date_label_with_time_beats_pubdate():
    page = ('<meta name="PubDate" content="2024-05-09 10:00"><h1>公告</h1>'
            '<div class="info">发布时间：2024-05-01 09:12 来源：市财政局</div>')
    record = _parse(page)
    assert (record["published_on"], record["publisher"]) == ("2024-05-01", "市财政局")


def test_visible_source_beats_the_content_source_meta_tag():
    page = '<meta name="ContentSource" content="财政"><h1>公告</h1><p>时间：2024-05-01　来源：市财政局</p>'
    assert _parse(page)["publisher"] == "市财政局"


def test_generic_labels_inside_words_are_not_labels():
    page = '<h1>公告</h1><p>报名截止日期：2024-06-30 开放时间：9:00</p>'
    record = _parse(page)
    assert record["published_on"] is None
    assert "日期" not in record["fields"] and "时间" not in record["fields"]


def test_search_form_labels_are_not_fields():
    page = ('<table><tr><td>按文号：</td><td><input name="wh"></td><td>发布机构：</td><td><select>'
            '<option>全部</option></select></td></tr></table><h1>标题</h1>')
    record = _parse(page)
    assert record["doc_no"] is None and record["publisher"] is None
    assert record["fields"] == {}


def test_labels_in_running_prose_are_not_fields():
    page = ('<h1>政府信息公开指南</h1><div><p>索引号：由机构代码、年份和流水号组成，例如本机关的索引号'
            '以组织机构代码开头。发布机构：指制作或获取该信息的行政机关。</p></div>')
    record = _parse(page)
    assert record["index_no"] is None and record["publisher"] is None


def test_blank_grid_is_a_disclosure_page_with_title_and_date():
    page = ('<table><tr><td>索引号：</td><td></td><td>发布机构：</td><td>&nbsp;</td></tr>'
            '<tr><td>发布日期：</td><td>2023-03-01</td><td>文号：</td><td></td></tr></table><h1>关于调整的通知</h1>')
    record = _parse(page)
    assert record["is_disclosure"] is True
    assert (record["index_no"], record["publisher"], record["doc_no"]) == (None, None, None)


def test_blank_grid_without_a_date_is_not_a_disclosure_page():
    page = '<table><tr><td>索引号：</td><td></td><td>发布机构：</td><td></td></tr></table><h1>栏目</h1>'
    assert _parse(page)["is_disclosure"] is False


def test_news_source_and_date_do_not_make_a_disclosure_page():
    page = '<h1>经开区召开会议</h1><p>来源：临沂日报 发布时间：2021-04-01</p><div id="zoom"><p>会议指出。</p></div>'
    assert _parse(page)["is_disclosure"] is False


def test_letterhead_layout_title_after_the_doc_no():
    page = ('<title>某某市人民政府</title><div id="zoom"><p>某某市人民政府办公室文件</p><p>某政办发〔2023〕5号</p>'
            '<p>某某市人民政府办公室</p><p>关于印发工作要点的通知</p><p>各县区人民政府：</p>'
            '<p>现将工作要点印发给你们，请认真贯彻执行。</p><p>某某市人民政府办公室</p><p>2023年2月1日</p></div>')
    record = _parse(page)
    assert record["title"] == "某某市人民政府办公室关于印发工作要点的通知"
    assert record["doc_no"] == "某政办发〔2023〕5号"
    assert record["publisher"] == "某某市人民政府办公室"
    assert record["created_on"] == "2023-02-01"


def test_joint_signature_gives_no_single_publisher():
    page = ('<h1>关于做好工作的通知</h1><div id="zoom"><p>各单位：</p><p>请做好工作。</p>'
            '<p>市财政局　市人社局</p><p>2023年2月1日</p></div>')
    assert _parse(page)["publisher"] is None


def test_deeply_nested_content_is_not_dropped():
    depth = 600
    page = "<div>" * depth + "<p>索引号：abc/2020-00001</p>" + "</div>" * depth + "<h1>标题</h1>"
    assert _parse(page)["index_no"] == "abc/2020-00001"


def test_raw_spa_placeholders_are_blank_not_values():
    page = ('<meta name="ArticleTitle" content="{{data.title}}"><h1>{{data.docTitle}}</h1>'
            '<div><span>索引号：</span><span>{{data.indexNo}}</span></div>'
            '<div><span>发布机构：</span><span>{{ data.docSource }}</span></div><title>国家金融监督管理总局</title>')
    record = _parse(page)
    assert (record["index_no"], record["publisher"]) == (None, None)
    assert record["fields"]["索引号"] is None
    assert record["title"] is None or "{{" not in record["title"]


def test_beijing_style_labels():
    page = ('<table><tr><td>发文机构：</td><td>北京市人民政府办公厅</td><td>成文日期：</td><td>2022年05月06日</td></tr>'
            '<tr><td>公开时间：</td><td>2022-05-09</td><td>发文字号：</td><td>京政办发〔2022〕12号</td></tr></table>'
            '<h1>关于印发方案的通知</h1>')
    record = _parse(page)
    assert (record["publisher"], record["created_on"], record["published_on"], record["doc_no"]) == (
        "北京市人民政府办公厅", "2022-05-06", "2022-05-09", "京政办发〔2022〕12号")
    assert record["is_disclosure"] is True


def test_labels_in_brackets_without_colons():
    page = ('<ol class="doc-info"><li><span>[发文机构]</span>北京市人民政府</li><li><span>[成文日期]</span>2021年03月01日</li>'
            '<li><span>[发文字号]</span>京政发〔2021〕5号</li><li><span>[发布日期]</span>2021年03月05日</li></ol>'
            '<h1>北京市人民政府关于印发规划的通知</h1>')
    record = _parse(page)
    assert (record["publisher"], record["created_on"], record["doc_no"], record["published_on"]) == (
        "北京市人民政府", "2021-03-01", "京政发〔2021〕5号", "2021-03-05")


def test_bracketed_labels_in_one_run_of_text():
    page = '<h1>通知</h1><p>【索引号】11110000000/2021-00001 【发布机构】市财政局 【发布日期】2021-04-02</p>'
    record = _parse(page)
    assert (record["index_no"], record["publisher"], record["published_on"]) == (
        "11110000000/2021-00001", "市财政局", "2021-04-02")


def test_open_graph_published_time_fills_a_page_without_a_visible_date():
    page = '<meta property="article:published_time" content="2024-07-08T09:00:00+08:00"><h1>公告</h1>'
    assert _parse(page)["published_on"] == "2024-07-08"
