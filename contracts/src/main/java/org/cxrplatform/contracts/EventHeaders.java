package org.cxrplatform.contracts;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Kafka record headers of every event: CloudEvents 1.0 attributes in binary content mode
 * ({@code ce_*} headers, the JSON event is the record value) and W3C Trace Context
 * ({@code traceparent}), so any CloudEvents-aware consumer and any tracing back-end can read them.
 */
public final class EventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String DATA_SCHEMA = "ce_dataschema";
    public static final String CONTENT_TYPE = "content-type";
    public static final String TRACEPARENT = "traceparent";
    /** How many times inference tried this study (set on re-queued records). */
    public static final String ATTEMPTS = "cxr_attempts";

    private static final SecureRandom RANDOM = new SecureRandom();

    private EventHeaders() {}

    /**
     * Writes the headers of one event: the CloudEvents attributes it knows ({@link Event#type()}, its
     * study as the subject) and the trace context of the span it is sent in.
     * Every producer of the platform writes its headers here.
     *
     * @param id          CloudEvents id, or null for a random one
     * @param source      URI-reference of the producer, for example "/cxr/ingest-service"
     * @param traceparent the W3C traceparent of the span sending it: the producer's own, or
     *                    {@link #continueTrace} of the record being answered; null or malformed starts a new trace
     * @return the traceparent written
     */
    public static String write(Headers headers, Event event, String id, String source, String traceparent) {
        set(headers, SPEC_VERSION, "1.0");
        set(headers, ID, id == null ? UUID.randomUUID().toString() : id);
        set(headers, SOURCE, source);
        set(headers, TYPE, event.type().ceType());
        set(headers, TIME, Instant.now().toString());
        if (event.studyInstanceUid() != null) {
            set(headers, SUBJECT, event.studyInstanceUid());
        }
        set(headers, DATA_SCHEMA, "urn:cxrplatform:schema:" + event.type().schema());
        set(headers, CONTENT_TYPE, "application/json");
        String tp = isValidTraceparent(traceparent) ? traceparent : newTraceparent();
        set(headers, TRACEPARENT, tp);
        return tp;
    }

    /**
     * The span a consumer sends its answer in: a new span of {@code parent}'s trace, or a new trace
     * when the consumed record carried none (or garbage).
     */
    public static String continueTrace(String parent) {
        if (!isValidTraceparent(parent)) {
            return newTraceparent();
        }
        String[] p = parent.split("-");
        return "00-" + p[1] + "-" + randomHex(8) + "-" + p[3];
    }

    public static void set(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public static Optional<String> get(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null
                ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    /** A new root trace: version 00, random trace id and span id, sampled. */
    public static String newTraceparent() {
        return "00-" + randomHex(16) + "-" + randomHex(8) + "-01";
    }

    public static boolean isValidTraceparent(String value) {
        return value != null
                && value.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
                && !value.substring(3, 35).equals("0".repeat(32))
                && !value.substring(36, 52).equals("0".repeat(16));
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
