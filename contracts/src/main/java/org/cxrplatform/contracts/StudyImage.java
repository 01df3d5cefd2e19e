package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The rendered 8-bit greyscale image the model reads. Either inline ({@code pngBase64}: small
 * enough for a Kafka record once rendered) or by reference ({@code uri}: a file or object store
 * path readable by the inference workers), never neither.
 *
 * <p>The one place the image is encoded ({@link #inline}) and checked ({@link #inlinePng},
 * {@link #verify}). Readers ignore white space in {@code pngBase64} (a line-wrapped MIME encoding
 * reads as well), and check the digest when there is one.
 *
 * @param width     pixels
 * @param height    pixels
 * @param pngBase64 8-bit greyscale PNG, base64, or null
 * @param uri       where the same PNG can be read, or null (added in schema version 2)
 * @param sha256    hex digest of the PNG bytes, for traceability and integrity checks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudyImage(int width, int height, String pngBase64, String uri, String sha256) {

    public StudyImage {
        if (pngBase64 == null && uri == null) {
            throw new IllegalArgumentException("image needs pngBase64 or uri");
        }
    }

    /** An inline image: the PNG in base64 with its SHA-256. */
    public static StudyImage inline(int width, int height, byte[] png) {
        return new StudyImage(width, height, Base64.getEncoder().encodeToString(png), null, sha256(png));
    }

    /**
     * The inline PNG's bytes, checked against {@code sha256}.
     *
     * @throws IllegalStateException    when the image is only a reference ({@code uri})
     * @throws IllegalArgumentException when {@code pngBase64} is not base64 or the bytes do not match the digest
     */
    public byte[] inlinePng() {
        if (pngBase64 == null) {
            throw new IllegalStateException("image is only a reference (" + uri + ")");
        }
        byte[] png;
        try {
            png = Base64.getDecoder().decode(pngBase64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("image.pngBase64 is not base64: " + e.getMessage(), e);
        }
        return verify(png);
    }

    /**
     * Checks image bytes (inline, or read from {@code uri}) against {@code sha256}; an image without
     * a digest passes.
     *
     * @return {@code png}
     * @throws IllegalArgumentException when they do not match
     */
    public byte[] verify(byte[] png) {
        if (sha256 != null && !sha256.isBlank()) {
            String actual = sha256(png);
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new IllegalArgumentException(
                        "image sha256 mismatch: event says " + sha256 + ", bytes are " + actual);
            }
        }
        return png;
    }

    /** Lower-case hex SHA-256, the form of {@code sha256}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
