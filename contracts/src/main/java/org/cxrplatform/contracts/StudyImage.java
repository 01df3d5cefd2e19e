package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The rendered 8-bit greyscale image the model reads. Either inline ({@code pngBase64}: small
 * enough for a Kafka record once rendered) or by reference ({@code uri}: a file or object store
 * path readable by the inference workers), never neither.
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
}
