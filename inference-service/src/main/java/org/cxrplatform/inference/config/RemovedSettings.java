package org.cxrplatform.inference.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Settings of the static batching that continuous batching replaced. A replica configured with one
 * refuses to start, naming what replaced it, rather than ignoring it: an operator who tuned a
 * batch size should learn that it no longer does anything.
 */
public final class RemovedSettings {

    private static final Map<String, String> REPLACED = Map.of(
            "cxr.inference.stat.batch-size", "cxr.engine.slots and cxr.engine.reserved-stat-slots",
            "cxr.inference.stat.max-wait", "nothing: a study joins the running batch at the next engine step",
            "cxr.inference.routine.batch-size", "cxr.engine.slots",
            "cxr.inference.routine.max-wait", "nothing: a study joins the running batch at the next engine step",
            "cxr.inference.oom-recovery-batches", "cxr.inference.oom-recovery-studies");

    private RemovedSettings() {}

    /**
     * @param isSet whether a key has a value (in any config source: properties, env var, system property)
     * @throws IllegalArgumentException naming each removed key that is set and its replacement
     */
    public static void refuse(Predicate<String> isSet) {
        List<String> found = new ArrayList<>();
        REPLACED.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .filter(e -> isSet.test(e.getKey()))
                .forEach(e -> found.add(e.getKey() + " (replaced by " + e.getValue() + ")"));
        if (!found.isEmpty()) {
            throw new IllegalArgumentException(
                    "static batching settings are no longer used, remove them: " + String.join("; ", found));
        }
    }
}
