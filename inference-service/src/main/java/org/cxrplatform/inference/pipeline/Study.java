package org.cxrplatform.inference.pipeline;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.engine.RequestHandle;

/**
 * One study from the moment the loop takes it off its lane until its outputs are acknowledged:
 * its record, what the model reads, where it is in the engine, and the acks of its outputs.
 * Loop thread only.
 */
final class Study {

    final Lane lane;
    final ConsumerRecord<String, byte[]> record;
    final long fetchedNanos;
    final String traceparent;
    /** Must be the only study in the engine: the in-flight guard is isolating a crash, or its step failed with others. */
    boolean alone;

    /** Set once the record decoded. */
    StudyEvent event;

    GenerationRequest request;
    /** SHA-256 of the 8-bit pixels the model reads: what the study's random seed derives from. */
    String imageDigest;

    CriticalFindingWatcher watcher;

    RequestHandle handle;
    long submittedNanos;
    long admittedNanos;
    Instant startedAt;
    /** Studies in the engine when this one was admitted: the batch it joined. */
    int joinedBatchOf;

    boolean firstToken;
    final StringBuilder streamed = new StringBuilder();

    final List<Future<RecordMetadata>> acks = new ArrayList<>();
    long outputsSentNanos;
    /** A report (not a dead letter or requeue) is among the outputs. */
    boolean reported;
    /** Its partition was revoked or rewound: nothing more is published or committed for it. */
    boolean abandoned;

    Study(Lane lane, ConsumerRecord<String, byte[]> record, long fetchedNanos, boolean alone) {
        this.lane = lane;
        this.record = record;
        this.fetchedNanos = fetchedNanos;
        this.alone = alone;
        this.traceparent = OutputPublisher.traceparentOf(record);
    }

    void decoded(StudyDecoder.DecodedStudy decoded, CriticalFindingWatcher watcher) {
        this.event = decoded.event();
        this.request = GenerationRequest.report(decoded.image());
        this.imageDigest = pixelDigest(decoded.image());
        this.watcher = watcher;
    }

    TopicPartition partition() {
        return Offsets.partitionOf(record);
    }

    /** The Study Instance UID: from the event, else the record key (studies are keyed by it). */
    String uid() {
        return event != null ? event.studyInstanceUid() : record.key();
    }

    Instant receivedAt() {
        return event != null && event.receivedAt() != null
                ? event.receivedAt()
                : Instant.ofEpochMilli(record.timestamp());
    }

    String reportId(ModelIdentity identity) {
        return ReportEvent.reportIdOf(event.studyInstanceUid(), event.sopInstanceUid(), identity);
    }

    /** Ready to run again after leaving the engine early: a new handle, the text from the start; alerts already sent stay sent. */
    void resetForRetry() {
        handle = null;
        firstToken = false;
        streamed.setLength(0);
    }

    /**
     * SHA-256 over the width, height and 8-bit grey pixels: the model's input, whatever PNG encoder
     * wrote it. Two studies with the same pixels (a study sent again under new UIDs) get the same
     * seed, so the same report.
     */
    static String pixelDigest(BufferedImage grey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8)
                    .putInt(grey.getWidth())
                    .putInt(grey.getHeight())
                    .array());
            byte[] row = new byte[grey.getWidth()];
            for (int y = 0; y < grey.getHeight(); y++) {
                grey.getRaster().getDataElements(0, y, grey.getWidth(), 1, row);
                sha.update(row);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
