package org.cxrplatform.inference.pipeline;

import java.util.Set;

/** Reads an in-flight marker from committed offset metadata for tests outside this package (the format stays {@link InFlightGuard}'s). */
public final class InFlightMarkers {

    private InFlightMarkers() {}

    /** The offsets the marker names; empty when {@code metadata} carries none (no study was in the engine). */
    public static Set<Long> offsets(String metadata) {
        InFlightGuard.Marker m = InFlightGuard.Marker.decode(metadata);
        return m == null ? Set.of() : m.offsets();
    }
}
