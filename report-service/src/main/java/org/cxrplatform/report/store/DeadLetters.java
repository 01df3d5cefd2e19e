package org.cxrplatform.report.store;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Stage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Publishes records report-service gives up on to {@code cxr.dlq} (stage REPORT), payload kept byte for byte. */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    static final String SOURCE = "/cxr/report-service";

    @Inject
    @Channel("dlq")
    MutinyEmitter<byte[]> dlq;

    /** Sends and waits for the broker's acknowledgement, so the original offset is committed only after. */
    public void send(
            ConsumerRecord<String, byte[]> record,
            String reason,
            Throwable error,
            int attempts,
            String studyInstanceUid) {
        DeadLetter letter = DeadLetter.of(Stage.REPORT, record, studyInstanceUid, reason, error, attempts);
        RecordHeaders headers = new RecordHeaders();
        String parent =
                EventHeaders.get(record.headers(), EventHeaders.TRACEPARENT).orElse(null);
        EventHeaders.write(headers, letter, null, SOURCE, EventHeaders.continueTrace(parent));
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(letter.key())
                .withHeaders(headers)
                .build();
        dlq.sendMessageAndAwait(Message.of(EventJson.write(letter)).addMetadata(meta));
        LOG.warnf(
                "sent %s offset %d (key %s) to %s: %s",
                record.topic(), record.offset(), record.key(), "cxr.dlq", reason);
    }
}
