package org.cxrplatform.report.quality;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.report.store.ReportStatus;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Live quality from production data, per model version (all time) and per model version and ISO
 * week: the acceptance rate (accepted as written / edited / rejected) and the F1 per finding of
 * the AI draft's findings as generated against the signed final report's findings.
 *
 * <p>Definitions (also returned in the JSON):
 * <ul>
 * <li>Reference = the signed final report: for ACCEPTED the AI text itself (so its findings agree
 *     by definition), for EDITED the radiologist's text, labelled at signing with the same
 *     {@code findings} module's FindingsExtractor that labels the AI draft. REJECTED drafts have no signed
 *     final report here (the radiologist's own report goes through the RIS), so they count in the
 *     acceptance rate but not in F1. Pending drafts count in neither.</li>
 * <li>Positive = PRESENT. UNCERTAIN is negative (as are ABSENT and NOT_MENTIONED), on both sides.</li>
 * <li>F1 = 2TP / (2TP + FP + FN); null when a finding is positive on neither side in any compared
 *     report. Macro F1 = mean of the defined per-finding F1 over the paper's six findings and over
 *     all seven; null when none is defined.</li>
 * <li>Week = ISO week (UTC) of the decision for decided reports, of the draft for pending ones.</li>
 * <li>Outcome = the report's current status (a signed report edited later counts as edited).</li>
 * </ul>
 */
@ApplicationScoped
public class QualityService {

    public static final String POSITIVE = "PRESENT";
    public static final String UNCERTAIN_POLICY =
            "uncertain counts as negative (not PRESENT), in the AI draft and in the final report";
    public static final String WEEK_BASIS =
            "ISO week (UTC) of the radiologist's decision; of the draft for pending reports";
    public static final String REFERENCE =
            "signed final report: accepted = AI text as written, edited = radiologist's text labelled with "
                    + "the findings module's FindingsExtractor; rejected and pending drafts are left out of F1";

    @Inject
    Jdbi jdbi;

    /** Counts behind one finding's F1. */
    public record FindingScore(
            long truePositives,
            long falsePositives,
            long falseNegatives,
            long trueNegatives,
            Double precision,
            Double recall,
            Double f1) {}

    /**
     * @param week     ISO week like {@code 2026-W48}, or null for the model version's all-time figures
     * @param compared reports whose AI findings were compared with a signed final report (accepted + edited)
     */
    public record Group(
            String modelVersion,
            String week,
            long accepted,
            long edited,
            long rejected,
            long pending,
            Double acceptanceRate,
            Double editRate,
            Double rejectionRate,
            long compared,
            Map<Finding, FindingScore> findings,
            Double macroF1PaperSix,
            Double macroF1All) {}

    public record Quality(
            String positive,
            String uncertainPolicy,
            String reference,
            String weekBasis,
            Instant computedAt,
            List<Group> models,
            List<Group> weeks) {}

    /**
     * One aggregate query (PostgreSQL counts per model version, ISO week and status, with TP/FP/FN
     * per finding from the JSONB columns); weeks are summed into the all-time figures here.
     */
    public Quality compute() {
        StringBuilder sql = new StringBuilder(
                "SELECT model_version, to_char((CASE WHEN status <> 'DRAFT' AND reviewed_at IS NOT NULL"
                        + " THEN reviewed_at ELSE created_at END) AT TIME ZONE 'UTC', 'IYYY-\"W\"IW') AS week, status, count(*)");
        for (Finding f : Finding.values()) {
            String ai = "ai_findings ->> '" + f.name() + "' = 'PRESENT'";
            String fin = "findings ->> '" + f.name() + "' = 'PRESENT'";
            sql.append(", count(*) FILTER (WHERE ")
                    .append(ai)
                    .append(" AND ")
                    .append(fin)
                    .append(")")
                    .append(", count(*) FILTER (WHERE ")
                    .append(ai)
                    .append(" AND NOT coalesce(")
                    .append(fin)
                    .append(", false))")
                    .append(", count(*) FILTER (WHERE NOT coalesce(")
                    .append(ai)
                    .append(", false) AND ")
                    .append(fin)
                    .append(")");
        }
        sql.append(" FROM report GROUP BY 1, 2, 3");
        Map<String, Acc> models = new TreeMap<>();
        Map<String, Acc> weeks = new TreeMap<>();
        for (Row row : jdbi.withHandle(
                h -> h.createQuery(sql.toString()).map(QualityService::row).list())) {
            models.computeIfAbsent(row.model(), k -> new Acc(row.model(), null))
                    .add(row.status(), row.n(), row.cells());
            weeks.computeIfAbsent(row.model() + "\u0000" + row.week(), k -> new Acc(row.model(), row.week()))
                    .add(row.status(), row.n(), row.cells());
        }
        return new Quality(
                POSITIVE,
                UNCERTAIN_POLICY,
                REFERENCE,
                WEEK_BASIS,
                Instant.now(),
                models.values().stream().map(Acc::group).toList(),
                weeks.values().stream().map(Acc::group).toList());
    }

    /** One group of the aggregate query: {@code n} reports; {@code cells[finding]} = TP, FP, FN among them. */
    private record Row(String model, String week, ReportStatus status, long n, long[][] cells) {}

    private static Row row(ResultSet rs, StatementContext ctx) throws SQLException {
        long[][] cells = new long[Finding.values().length][3];
        for (Finding f : Finding.values()) {
            for (int k = 0; k < 3; k++) {
                cells[f.ordinal()][k] = rs.getLong(5 + f.ordinal() * 3 + k);
            }
        }
        return new Row(rs.getString(1), rs.getString(2), ReportStatus.valueOf(rs.getString(3)), rs.getLong(4), cells);
    }

    public static String isoWeek(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        return String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** Macro average of the defined F1 values of {@code which}, null when none is defined. */
    static Double macro(Map<Finding, FindingScore> scores, Set<Finding> which) {
        double sum = 0;
        int n = 0;
        for (Finding f : which) {
            FindingScore s = scores.get(f);
            if (s != null && s.f1() != null) {
                sum += s.f1();
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static final class Acc {
        final String model;
        final String week;
        long accepted;
        long edited;
        long rejected;
        long pending;
        long compared;
        final long[][] counts = new long[Finding.values().length][4]; // tp, fp, fn, tn

        Acc(String model, String week) {
            this.model = model;
            this.week = week;
        }

        /** {@code n} reports of one status; {@code cells[finding]} = TP, FP, FN among them. */
        void add(ReportStatus status, long n, long[][] cells) {
            switch (status) {
                case DRAFT -> pending += n;
                case REJECTED -> rejected += n;
                case ACCEPTED, EDITED -> {
                    if (status == ReportStatus.ACCEPTED) {
                        accepted += n;
                    } else {
                        edited += n;
                    }
                    compared += n;
                    for (Finding f : Finding.values()) {
                        long[] c = cells[f.ordinal()];
                        long[] acc = counts[f.ordinal()];
                        acc[0] += c[0];
                        acc[1] += c[1];
                        acc[2] += c[2];
                        acc[3] += n - c[0] - c[1] - c[2];
                    }
                }
            }
        }

        Group group() {
            long decided = accepted + edited + rejected;
            Map<Finding, FindingScore> scores = new EnumMap<>(Finding.class);
            for (Finding f : Finding.values()) {
                long[] n = counts[f.ordinal()];
                long tp = n[0];
                long fp = n[1];
                long fn = n[2];
                scores.put(
                        f,
                        new FindingScore(
                                tp,
                                fp,
                                fn,
                                n[3],
                                tp + fp == 0 ? null : (double) tp / (tp + fp),
                                tp + fn == 0 ? null : (double) tp / (tp + fn),
                                2 * tp + fp + fn == 0 ? null : 2.0 * tp / (2 * tp + fp + fn)));
            }
            return new Group(
                    model,
                    week,
                    accepted,
                    edited,
                    rejected,
                    pending,
                    ratio(accepted, decided),
                    ratio(edited, decided),
                    ratio(rejected, decided),
                    compared,
                    scores,
                    macro(scores, Finding.PAPER_SIX),
                    macro(scores, Set.of(Finding.values())));
        }

        private static Double ratio(long n, long of) {
            return of == 0 ? null : (double) n / of;
        }
    }
}
