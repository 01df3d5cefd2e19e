package org.cxrplatform.ingest.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Collects what {@link IngestConfig#validate()} finds, one line per problem, each starting with its key. */
public final class ConfigProblems {

    private final List<String> problems = new ArrayList<>();

    /** Records {@code key + " " + message} unless {@code ok}. */
    public void require(boolean ok, String key, String message) {
        if (!ok) {
            problems.add(key + " " + message);
        }
    }

    public void atLeast(String key, long value, long min) {
        require(value >= min, key, "must be >= " + min + ", was " + value);
    }

    public void between(String key, long value, long min, long max) {
        require(value >= min && value <= max, key, "must be between " + min + " and " + max + ", was " + value);
    }

    public void positive(String key, Duration value) {
        require(value.compareTo(Duration.ZERO) > 0, key, "must be longer than zero, was " + value);
    }

    /** A DICOM AE title: 1-16 characters, not only spaces (PS3.5 6.2). */
    public void aeTitle(String key, String value) {
        require(
                !value.isBlank() && value.length() <= 16,
                key,
                "must be an AE title of 1-16 characters, was '" + value + "'");
    }

    /** @throws IllegalArgumentException naming every problem found */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", problems));
        }
    }
}
