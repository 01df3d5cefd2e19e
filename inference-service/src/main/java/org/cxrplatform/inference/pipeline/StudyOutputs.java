package org.cxrplatform.inference.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.CriticalAlert;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Timings;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.llava.engine.Completion;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Turns what happened to a study into its events: a critical alert while the report streams, the
 * report when it is complete, or a dead letter / another attempt when it cannot be run. Each output
 * is sent at once; its acknowledgement is added to the study, and the study's offset is committed
 * only once every one is acknowledged. Loop thread only.
 */
final class StudyOutputs {

    private static final Logger LOG = Logger.getLogger(StudyOutputs.class);

    private final OutputPublisher publisher;
    private final ModelIdentity identity;
    private final FindingsReader findings;
    private final Set<Finding> criticalFindings;
    private final int maxAttempts;
    private final InferenceMetrics metrics;

    StudyOutputs(
            OutputPublisher publisher,
            ModelIdentity identity,
            FindingsReader findings,
            Set<Finding> criticalFindings,
            int maxAttempts,
            InferenceMetrics metrics) {
        this.publisher = publisher;
        this.identity = identity;
        this.findings = findings;
        this.criticalFindings = criticalFindings;
        this.maxAttempts = maxAttempts;
        this.metrics = metrics;
    }

    /** A watcher for a decoded study's streamed text. */
    CriticalFindingWatcher watcher() {
        return new CriticalFindingWatcher(findings, criticalFindings);
    }

    /** The report grew by a piece: raise what its complete sentences newly show. */
    void streamed(Study s, String piece) {
        s.streamed.append(piece);
        for (CriticalFindingWatcher.Raised raised : s.watcher.onText(ReportText.clean(s.streamed.toString()))) {
            alert(s, raised);
        }
    }

    /** The report is complete: alerts not raised while streaming go first, then the report. */
    void report(Study s, Completion c) {
        StudyEvent e = s.event;
        withStudy(s.uid(), () -> {
            String text = ReportText.clean(c.text()).strip();
            Map<Finding, FindingState> states = FindingsReader.states(findings.read(text));
            for (CriticalFindingWatcher.Raised raised : s.watcher.finish(text)) {
                alert(s, raised); // sent before the report, never after it
            }
            int triage = s.watcher.anyRaised() ? 1 : s.lane == Lane.STAT ? 2 : 3;
            Instant receivedAt = s.receivedAt();
            Timings timings = new Timings(
                    receivedAt,
                    s.startedAt,
                    Instant.now(),
                    Math.max(0, Duration.between(receivedAt, s.startedAt).toMillis()),
                    c.visionMs(),
                    c.prefillMs(),
                    c.decodeMs(),
                    c.generatedIds().length,
                    s.joinedBatchOf);
            ReportEvent report = new ReportEvent(
                    ReportEvent.SCHEMA_VERSION,
                    s.reportId(identity),
                    e.studyInstanceUid(),
                    e.sopInstanceUid(),
                    e.accessionNumber(),
                    s.lane,
                    triage,
                    text,
                    states,
                    identity,
                    timings,
                    e.patient(),
                    e.sourceOrDerived());
            LOG.debugf(
                    "%s report %s (%d tokens, %s, joined a batch of %d, triage %d)",
                    s.lane, report.reportId(), c.generatedIds().length, c.stopReason(), s.joinedBatchOf, triage);
            s.acks.add(publisher.report(report, s.traceparent));
            s.reported = true;
        });
        s.outputsSentNanos = System.nanoTime();
    }

    private void alert(Study s, CriticalFindingWatcher.Raised raised) {
        String reportId = s.reportId(identity);
        CriticalAlert alert = new CriticalAlert(
                CriticalAlert.SCHEMA_VERSION,
                CriticalAlert.alertIdOf(reportId, raised.finding()),
                reportId,
                s.event.studyInstanceUid(),
                s.event.accessionNumber(),
                s.lane,
                raised.finding(),
                raised.state(),
                raised.excerpt(),
                identity,
                Instant.now());
        withStudy(
                s.uid(),
                () -> LOG.infof(
                        "critical finding %s (%s) in %s study: alert %s",
                        raised.finding(), raised.state(), s.lane, alert.alertId()));
        metrics.alertPublished(s.lane);
        s.acks.add(publisher.alert(alert, s.traceparent));
    }

    /** The in-flight guard's verdict: this study was alone in the model each time the process died. */
    void deadLetterKiller(Study s, int deaths) {
        ConsumerRecord<String, byte[]> r = s.record;
        String reason = "the inference process died " + deaths + " times while this study was in the model (alone), "
                + "e.g. a native crash in libtorch or the OOM killer; not run again";
        withStudy(
                r.key(),
                () -> LOG.errorf(
                        "%s study at %s-%d@%d dead-lettered by the in-flight guard: %s",
                        s.lane, r.topic(), r.partition(), r.offset(), reason));
        metrics.crashDeadLettered(s.lane);
        s.acks.add(publisher.deadLetter(r, r.key(), reason, null, deaths));
        s.outputsSentNanos = System.nanoTime();
    }

    /**
     * The study cannot be run: permanently (bad input) or after {@code maxAttempts} it goes to the
     * dead-letter topic, otherwise back to the end of its lane with the attempt count.
     */
    void failed(Study s, String reason, Throwable error, boolean permanent) {
        ConsumerRecord<String, byte[]> r = s.record;
        int attempts = OutputPublisher.attemptsOf(r) + 1;
        String uid = s.event != null ? s.event.studyInstanceUid() : null;
        withStudy(uid, () -> {
            if (permanent || attempts >= maxAttempts) {
                LOG.warnf(
                        "%s study at %s-%d@%d dead-lettered after %d attempt(s): %s",
                        s.lane, r.topic(), r.partition(), r.offset(), attempts, reason);
                metrics.deadLettered(s.lane);
                s.acks.add(publisher.deadLetter(r, uid, reason, error, attempts));
            } else {
                LOG.warnf(
                        "%s study at %s-%d@%d failed (attempt %d of %d), put back on the lane: %s",
                        s.lane, r.topic(), r.partition(), r.offset(), attempts, maxAttempts, reason);
                metrics.requeued(s.lane);
                s.acks.add(publisher.requeue(r, attempts));
            }
        });
        s.outputsSentNanos = System.nanoTime();
    }

    /** Runs {@code log} with the study UID in the logging context (structured logs carry it). */
    private static void withStudy(String uid, Runnable log) {
        if (uid == null) {
            log.run();
            return;
        }
        MDC.put("studyInstanceUid", uid);
        try {
            log.run();
        } finally {
            MDC.remove("studyInstanceUid");
        }
    }
}
