package org.cxrplatform.evaluation.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.cxrplatform.evaluation.labeler.ExtractorQuality;
import org.cxrplatform.evaluation.scoring.FindingMetrics;
import org.cxrplatform.evaluation.scoring.MacroMetrics;
import org.cxrplatform.evaluation.scoring.PolicyResult;

/**
 * {@code report.html}: one self-contained file (Apache ECharts inlined from its webjar, images
 * inlined as base64 PNG; nothing is fetched when it is opened). Charts: F1 per finding with the
 * bootstrap intervals as error bars, precision against recall per finding, a confusion matrix
 * per finding and policy, the macro F1 beside the paper's when comparable; then tables, the
 * extractor's quality and the gallery of the largest disagreements.
 *
 * <p>The page sets {@code data-charts} on {@code <body>} to the number of charts drawn, and
 * {@code data-errors} to the first script error if any, so that a headless browser can check it.
 */
public final class HtmlReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlReport() {}

    public static String echartsVersion() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("/org/cxrplatform/evaluation/versions.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("echarts.version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("versions.properties missing from the class path", e);
        }
    }

    static String echartsScript() {
        String path = "/META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";
        try (InputStream in = HtmlReport.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("ECharts webjar not on the class path: " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    public static String render(EvaluationReport report, List<GalleryItem> gallery) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("report", report);
        data.put("gallery", gallery);
        String json = JSON.writeValueAsString(data).replace("<", "\\u003c");

        StringBuilder h = new StringBuilder(2_000_000);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<title>CXR-LLaVA evaluation</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n")
                .append(
                        "<script>window.addEventListener('error',function(e){document.body&&document.body.setAttribute('data-errors',String(e.message));});</script>\n")
                .append("<script>/* Apache ECharts ")
                .append(echartsVersion())
                .append(", Apache License 2.0 */\n")
                .append(echartsScript())
                .append("\n</script>\n</head>\n<body>\n");

        EvaluationReport.Settings s = report.settings();
        h.append("<h1>CXR-LLaVA evaluation</h1>\n<table class=\"kv\">")
                .append(kv("labels", s.labelsFile() + " (key column " + s.keyColumn() + ")"))
                .append(kv("reports", s.reportSource()))
                .append(kv("dataset", s.dataset() == null ? "(not stated)" : s.dataset()))
                .append(kv(
                        "studies scored",
                        String.valueOf(report.studies())
                                + (report.leftOut().isEmpty()
                                        ? ""
                                        : "; " + report.leftOut().size() + " left out (no image or report)")))
                .append(kv("bootstrap", s.bootstrapReplicates() + " resamples, seed " + s.seed()))
                .append("</table>\n<h2>Conventions</h2>\n<ul>");
        for (String c : report.conventions()) h.append("<li>").append(esc(c)).append("</li>");
        h.append("</ul>\n");

        h.append(
                "<h2>F1 per finding, with 95 % bootstrap intervals</h2>\n<div id=\"chart-f1\" class=\"chart\"></div>\n");
        h.append("<h2>Precision and recall per finding</h2>\n<div id=\"chart-pr\" class=\"chart\"></div>\n");
        for (PolicyResult p : report.results()) {
            h.append("<h3>").append(esc(p.policyLabel())).append("</h3>\n").append(metricsTable(p));
        }

        h.append("<h2>Comparison with the paper</h2>\n<p class=\"note\">")
                .append(esc(report.paper().note()))
                .append("</p>\n");
        if (report.paper().comparable()) {
            h.append("<div id=\"chart-paper\" class=\"chart small\"></div>\n");
        }

        h.append("<h2>Confusion matrices</h2>\n");
        for (int k = 0; k < report.results().size(); k++) {
            PolicyResult p = report.results().get(k);
            h.append("<h3>").append(esc(p.policyLabel())).append("</h3>\n<div class=\"grid\">");
            for (int f = 0; f < p.findings().size(); f++) {
                h.append("<div id=\"chart-cm-").append(k).append('-').append(f).append("\" class=\"chart cm\"></div>");
            }
            h.append("</div>\n");
        }

        for (ExtractorQuality.Result q : report.labeler()) h.append(labelerSection(q));

        h.append(
                        "<h2>Largest disagreements</h2>\n<p class=\"note\">Studies with the most findings on which the label and the "
                                + "model's report disagree under ")
                .append(
                        report.results().isEmpty()
                                ? ""
                                : esc(report.results().get(0).policyLabel()))
                .append(" (most first).</p>\n<div class=\"gallery\">");
        for (GalleryItem g : gallery) {
            h.append("<div class=\"card\"><div class=\"pic\">");
            if (g.pngBase64() != null) {
                h.append("<img alt=\"")
                        .append(esc(g.image()))
                        .append("\" src=\"data:image/png;base64,")
                        .append(g.pngBase64())
                        .append("\">");
            } else {
                h.append("<div class=\"nopic\">").append(esc(g.imageNote())).append("</div>");
            }
            h.append("</div><div class=\"txt\"><b>")
                    .append(esc(g.id()))
                    .append("</b> — ")
                    .append(g.disagreements())
                    .append(" disagreement(s)<pre>")
                    .append(esc(g.report()))
                    .append("</pre><table><tr><th>finding</th><th>label</th><th>report</th></tr>");
            for (GalleryItem.Row r : g.rows()) {
                h.append("<tr")
                        .append(r.disagrees() ? " class=\"bad\"" : "")
                        .append("><td>")
                        .append(esc(r.finding()))
                        .append("</td><td>")
                        .append(r.label().isEmpty() ? "blank" : esc(r.label()))
                        .append("</td><td>")
                        .append(esc(r.predicted()))
                        .append("</td></tr>");
            }
            h.append("</table></div></div>\n");
        }
        h.append("</div>\n");

        h.append("<script type=\"application/json\" id=\"data\">").append(json).append("</script>\n");
        h.append("<script>\n").append(CHARTS_JS).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static String metricsTable(PolicyResult p) {
        StringBuilder t = new StringBuilder(
                "<table class=\"m\"><tr><th>finding</th><th>support</th><th>precision</th><th>recall</th>"
                        + "<th>F1</th><th>F1 95 % CI</th><th>TP</th><th>FP</th><th>FN</th><th>TN</th><th>excluded</th></tr>");
        for (FindingMetrics m : p.findings()) {
            t.append("<tr><td>")
                    .append(esc(m.column()))
                    .append("</td><td>")
                    .append(m.support())
                    .append("</td><td>")
                    .append(TextSummary.num(m.precision()))
                    .append("</td><td>")
                    .append(TextSummary.num(m.recall()))
                    .append("</td><td>")
                    .append(TextSummary.num(m.f1()))
                    .append("</td><td>")
                    .append(TextSummary.ci(m.f1Ci()))
                    .append("</td><td>")
                    .append(m.confusion().tp())
                    .append("</td><td>")
                    .append(m.confusion().fp())
                    .append("</td><td>")
                    .append(m.confusion().fn())
                    .append("</td><td>")
                    .append(m.confusion().tn())
                    .append("</td><td>")
                    .append(m.excluded())
                    .append("</td></tr>");
        }
        for (MacroMetrics macro : List.of(p.macroPaperSix(), p.macroAllSeven())) {
            t.append("<tr class=\"macro\"><td>macro, ")
                    .append(esc(macro.name()))
                    .append("</td><td></td><td>")
                    .append(TextSummary.num(macro.precision()))
                    .append("</td><td>")
                    .append(TextSummary.num(macro.recall()))
                    .append("</td><td>")
                    .append(TextSummary.num(macro.f1()))
                    .append("</td><td>")
                    .append(TextSummary.ci(macro.f1Ci()))
                    .append("</td><td colspan=\"5\"></td></tr>");
        }
        return t.append("</table>\n").toString();
    }

    private static String labelerSection(ExtractorQuality.Result q) {
        StringBuilder t = new StringBuilder(
                "<h2>Findings extractor quality: " + esc(q.sentenceSet())
                        + "</h2>\n<p class=\"note\">Every figure above is read from "
                        + "report text by the findings extractor; measured here on " + q.sentences()
                        + " labelled sentences ("
                        + esc(q.sentenceSet()) + "). State accuracy over all sentences and findings: "
                        + TextSummary.num(q.accuracy())
                        + ".</p>\n<table class=\"m\"><tr><th>finding</th><th>sentences mentioning</th>"
                        + "<th>mentioned with the right state, F1</th><th>present F1</th><th>absent F1</th><th>uncertain F1</th></tr>");
        for (ExtractorQuality.FindingQuality f : q.findings()) {
            t.append("<tr><td>")
                    .append(esc(f.column()))
                    .append("</td><td>")
                    .append(f.mentioned())
                    .append("</td><td>")
                    .append(TextSummary.num(f.mentionedCorrectlyF1()))
                    .append("</td><td>")
                    .append(TextSummary.num(f.presentF1()))
                    .append("</td><td>")
                    .append(TextSummary.num(f.absentF1()))
                    .append("</td><td>")
                    .append(TextSummary.num(f.uncertainF1()))
                    .append("</td></tr>");
        }
        t.append("</table>\n");
        if (!q.misread().isEmpty()) {
            t.append("<details><summary>").append(q.misread().size()).append(" sentence(s) read wrongly</summary><ul>");
            for (String m : q.misread()) t.append("<li>").append(esc(m)).append("</li>");
            t.append("</ul></details>\n");
        }
        return t.toString();
    }

    private static String kv(String k, String v) {
        return "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>";
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1200px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:15px}
            .chart{width:100%;height:380px}.chart.small{height:260px}.grid{display:flex;flex-wrap:wrap;gap:8px}
            .chart.cm{width:260px;height:220px}
            table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
            td:first-child,th:first-child{text-align:left}table.kv th{text-align:left;background:#f6f6f6}
            tr.macro td{font-weight:600;background:#f6f8fa}.note{color:#555;font-size:13px}
            .gallery{display:flex;flex-direction:column;gap:12px}.card{display:flex;gap:12px;border:1px solid #ddd;padding:8px}
            .pic img{max-width:280px;max-height:280px}.nopic{width:200px;color:#888;font-size:12px}
            .txt pre{white-space:pre-wrap;font-size:12px;background:#fafafa;padding:6px;max-width:700px}tr.bad td{background:#fde8e8}
            """;

    /** Draws every chart from the embedded JSON; SVG renderer so the DOM holds the drawing. */
    private static final String CHARTS_JS = """
            (function(){
              var data = JSON.parse(document.getElementById('data').textContent);
              var results = data.report.results, drawn = 0;
              var colours = ['#3b6fb6', '#e08a2e'];
              function draw(id, option) {
                var el = document.getElementById(id);
                if (!el) return;
                var c = echarts.init(el, null, {renderer: 'svg'});
                c.setOption(option);
                drawn++;
              }
              function v(x) { return x === null || x === undefined ? '-' : x; }
              if (results.length > 0) {
                var names = results[0].findings.map(function(f){ return f.column; });
                var K = results.length, series = [];
                results.forEach(function(r, k) {
                  series.push({name: r.policyLabel, type: 'bar', barGap: '0%', barCategoryGap: '30%',
                    itemStyle: {color: colours[k % 2]},
                    data: r.findings.map(function(f){ return v(f.f1); })});
                  series.push({name: r.policyLabel, type: 'custom', z: 10,
                    data: r.findings.map(function(f, i){ return f.f1Ci.low === null ? null : [i, f.f1Ci.low, f.f1Ci.high]; })
                                    .filter(function(d){ return d !== null; }),
                    encode: {x: 0, y: [1, 2]},
                    renderItem: function(params, api) {
                      var i = api.value(0), band = api.size([1, 0])[0];
                      var lo = api.coord([i, api.value(1)]), hi = api.coord([i, api.value(2)]);
                      var barW = band * 0.7 / K, cx = lo[0] - band * 0.35 + barW * (k + 0.5), w = barW * 0.25;
                      var st = {stroke: '#222', lineWidth: 1.5};
                      return {type: 'group', children: [
                        {type: 'line', shape: {x1: cx, y1: lo[1], x2: cx, y2: hi[1]}, style: st},
                        {type: 'line', shape: {x1: cx - w, y1: lo[1], x2: cx + w, y2: lo[1]}, style: st},
                        {type: 'line', shape: {x1: cx - w, y1: hi[1], x2: cx + w, y2: hi[1]}, style: st}]};
                    }});
                });
                draw('chart-f1', {
                  tooltip: {trigger: 'axis'}, legend: {data: results.map(function(r){ return r.policyLabel; })},
                  xAxis: {type: 'category', data: names, axisLabel: {interval: 0, fontSize: 11, hideOverlap: false}}, yAxis: {type: 'value', min: 0, max: 1, name: 'F1'},
                  series: series});
                draw('chart-pr', {
                  tooltip: {formatter: function(p){ return p.data[2] + ' (' + p.seriesName + ')<br>recall ' + p.data[0] + '<br>precision ' + p.data[1]; }},
                  legend: {data: results.map(function(r){ return r.policyLabel; })},
                  xAxis: {type: 'value', min: 0, max: 1, name: 'recall'}, yAxis: {type: 'value', min: 0, max: 1, name: 'precision'},
                  series: results.map(function(r, k) {
                    return {name: r.policyLabel, type: 'scatter', symbolSize: 12, itemStyle: {color: colours[k % 2]},
                      label: {show: true, position: 'right', formatter: function(p){ return p.data[2]; }, fontSize: 10},
                      data: r.findings.filter(function(f){ return f.precision !== null && f.recall !== null; })
                                      .map(function(f){ return [f.recall, f.precision, f.column]; })};
                  })});
                results.forEach(function(r, k) {
                  r.findings.forEach(function(f, j) {
                    var c = f.confusion, max = Math.max(1, c.tp, c.fp, c.fn, c.tn);
                    draw('chart-cm-' + k + '-' + j, {
                      title: {text: f.column, left: 'center', top: 0, textStyle: {fontSize: 12}},
                      grid: {top: 50, left: 70, right: 10, bottom: 10},
                      xAxis: {type: 'category', data: ['report +', 'report \\u2212'], position: 'top', axisLabel: {fontSize: 10}},
                      yAxis: {type: 'category', data: ['label +', 'label \\u2212'], inverse: true, axisLabel: {fontSize: 10}},
                      visualMap: {show: false, min: 0, max: max, inRange: {color: ['#f4f7fb', colours[k % 2]]}},
                      series: [{type: 'heatmap', label: {show: true},
                        data: [[0, 0, c.tp], [1, 0, c.fn], [0, 1, c.fp], [1, 1, c.tn]]}]});
                  });
                });
                var paper = data.report.paper;
                if (paper.comparable && paper.rows.length > 0) {
                  var row = paper.rows[0];
                  draw('chart-paper', {
                    tooltip: {}, xAxis: {type: 'category', data: ['paper'].concat(row.ours.map(function(o){ return 'ours, ' + o.policy; }))},
                    yAxis: {type: 'value', min: 0, max: 1, name: row.figure},
                    series: [{type: 'bar', label: {show: true, position: 'top'},
                      data: [row.paper].concat(row.ours.map(function(o){ return o.value === null ? '-' : Math.round(o.value * 1000) / 1000; }))}]});
                }
              }
              document.body.setAttribute('data-charts', String(drawn));
            })();
            """;
}
