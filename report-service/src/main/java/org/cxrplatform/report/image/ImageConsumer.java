package org.cxrplatform.report.image;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.store.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Keeps the rendered image of each study for the worklist: reads {@code cxr.studies.stat} and
 * {@code cxr.studies.routine} with its own consumer group ({@code report-service-images}, so
 * inference's consumption is untouched) and stores the inline PNG keyed by SOP Instance UID.
 * Invalid events, reference-only images ({@code uri}), non-PNG or over-large payloads and digest
 * mismatches are skipped with a warning: ingest and inference own the dead letters of these topics.
 */
@ApplicationScoped
public class ImageConsumer {

    private static final Logger LOG = Logger.getLogger(ImageConsumer.class);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Inject
    ImageStore images;

    @Inject
    ReportConfig config;

    @Incoming("studies")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, byte[]> record) {
        if (!config.images().enabled()) {
            return;
        }
        StudyEvent event;
        try {
            event = EventJson.read(record.value(), StudyEvent.class);
        } catch (EventJson.InvalidEventException e) {
            LOG.warnf(
                    "study event at %s-%d@%d skipped: %s",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        MDC.put("studyInstanceUid", event.studyInstanceUid());
        try {
            byte[] png = png(event);
            if (png == null) {
                return;
            }
            Retry.store(
                    "image " + event.sopInstanceUid(),
                    5,
                    () -> QuarkusTransaction.requiringNew()
                            .call(() -> images.insert(
                                    event.sopInstanceUid(),
                                    event.studyInstanceUid(),
                                    png,
                                    event.image().width(),
                                    event.image().height(),
                                    event.image().sha256())));
        } catch (RuntimeException e) {
            LOG.warnf("image of %s not stored: %s", event.sopInstanceUid(), e.getMessage());
        } finally {
            MDC.remove("studyInstanceUid");
        }
    }

    /** The checked PNG bytes, or null (with a warning) when there is nothing usable. */
    byte[] png(StudyEvent event) {
        String b64 = event.image().pngBase64();
        if (b64 == null) {
            LOG.infof(
                    "image of %s is only a reference (%s): not kept for the worklist",
                    event.sopInstanceUid(), event.image().uri());
            return null;
        }
        long maxBytes = config.images().maxBytes();
        if (b64.length() / 4L * 3 > maxBytes) {
            LOG.warnf(
                    "image of %s is larger than cxr.report.images.max-bytes (%d): skipped",
                    event.sopInstanceUid(), maxBytes);
            return null;
        }
        byte[] png;
        try {
            png = event.image().inlinePng();
        } catch (IllegalArgumentException e) {
            LOG.warnf("image of %s skipped: %s", event.sopInstanceUid(), e.getMessage());
            return null;
        }
        if (png.length < 8 || !Arrays.equals(Arrays.copyOf(png, 8), PNG_SIGNATURE)) {
            LOG.warnf("image of %s is not a PNG: skipped", event.sopInstanceUid());
            return null;
        }
        return png;
    }

    /** Hourly: images of signed reports after the retention, any image after max-age. */
    @Scheduled(every = "1h", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPurge() {
        try {
            int n = purge(Instant.now());
            if (n > 0) {
                LOG.infof("purged %d study images", n);
            }
        } catch (RuntimeException e) {
            LOG.warnf("image purge failed: %s", e.getMessage());
        }
    }

    public int purge(Instant now) {
        return QuarkusTransaction.requiringNew()
                .call(() -> images.purge(
                        now.minus(config.images().retention()),
                        now.minus(config.images().maxAge())));
    }
}
