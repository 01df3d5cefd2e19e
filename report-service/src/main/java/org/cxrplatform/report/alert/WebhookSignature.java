package org.cxrplatform.report.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Cxr-Signature} header of a webhook alert, in the scheme most webhook senders use:
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>}. Signing the timestamp with
 * the body lets a receiver refuse a replayed request by its age (the README gives the window).
 */
final class WebhookSignature {

    static final String HEADER = "X-Cxr-Signature";

    private final SecretKeySpec key;

    /** @param secret checked by {@code ConfigCheck} (at least {@code ReportConfig.Alerts.MIN_SECRET_LENGTH} characters) */
    WebhookSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The header value for {@code body} sent at {@code epochSecond}. */
    String sign(long epochSecond, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((epochSecond + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + epochSecond + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
