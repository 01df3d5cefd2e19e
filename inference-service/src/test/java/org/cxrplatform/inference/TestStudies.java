package org.cxrplatform.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cxrplatform.contracts.Acquisition;
import org.cxrplatform.contracts.EventHeaders;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.StudyImage;

/** Study events as ingest-service writes them: an 8-bit grey PNG rendered with ImageIO, base64 inline. */
public final class TestStudies {

    private TestStudies() {}

    /** An 8-bit greyscale image, different per seed, not square (so resize and crop run). */
    public static BufferedImage image(long seed) {
        return image(seed, 80);
    }

    /** The same kind of image {@code width} pixels wide (test models recognise a study by its width). */
    public static BufferedImage image(long seed, int width) {
        Random random = new Random(seed);
        BufferedImage img = new BufferedImage(width, 72, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = (x * 3 + y * 2 + random.nextInt(40)) & 0xff;
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        return img;
    }

    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String newUid() {
        return "2.25." + UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L;
    }

    public static StudyEvent event(String studyUid, Lane lane, long seed) {
        return event(studyUid, lane, image(seed));
    }

    public static StudyEvent event(String studyUid, Lane lane, BufferedImage image) {
        return eventWithPng(studyUid, lane, Base64.getEncoder().encodeToString(png(image)));
    }

    public static StudyEvent eventWithPng(String studyUid, Lane lane, String pngBase64) {
        return new StudyEvent(
                StudyEvent.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                studyUid,
                studyUid + ".1",
                studyUid + ".1.1",
                "ACC" + Math.abs(studyUid.hashCode()),
                lane,
                lane == Lane.STAT ? "test STAT" : null,
                new StudyImage(80, 72, pngBase64, null, null),
                new Acquisition("DX", "PA", "CHEST", null, null, null, "TEST", null),
                null,
                Instant.now(),
                null);
    }

    /** The record ingest would publish, with CloudEvents headers and a fresh traceparent. */
    public static ProducerRecord<String, byte[]> record(String topic, StudyEvent event) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, event.key(), EventJson.write(event));
        EventHeaders.write(r.headers(), event, null, "/cxr/test", EventHeaders.newTraceparent());
        return r;
    }

    /** Bytes that are not an event, without headers: a producer that is not ours. */
    public static ProducerRecord<String, byte[]> raw(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key, value);
    }
}
