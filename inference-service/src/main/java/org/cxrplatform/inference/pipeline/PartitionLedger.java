package org.cxrplatform.inference.pipeline;

import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One partition's studies between the moment the loop takes them off the lane and their commit.
 * Studies finish in any order (a short report overtakes a long one), but a partition's offset only
 * moves past a study once it and every study before it are done, so a crash re-delivers every
 * study that was not finished and acknowledged. Loop thread only.
 */
final class PartitionLedger {

    /** Where a taken study is. */
    enum State {
        /** Taken off the lane, not in the model: being decoded, waiting to be run again, or its outputs awaiting acks. */
        TAKEN,
        /** Submitted to the engine and not finished there: what the in-flight marker lists. */
        IN_MODEL,
        /** Its outputs are acknowledged: committable once every earlier study is too. */
        DONE
    }

    private final TreeMap<Long, State> open = new TreeMap<>();

    void taken(long offset) {
        open.put(offset, State.TAKEN);
    }

    /** Moves a taken study to {@code state}; a study no longer tracked (its partition was rewound) is ignored. */
    void set(long offset, State state) {
        open.computeIfPresent(offset, (o, s) -> state);
    }

    /** The offset the group may commit: the first study not done, or one past the last when all are done; -1 when none is open. */
    long position() {
        for (Map.Entry<Long, State> e : open.entrySet()) {
            if (e.getValue() != State.DONE) {
                return e.getKey();
            }
        }
        return open.isEmpty() ? -1 : open.lastKey() + 1;
    }

    /** True when a commit now would move past done studies. */
    boolean advanced() {
        return !open.isEmpty() && open.firstEntry().getValue() == State.DONE;
    }

    /** The studies in the model now. */
    NavigableSet<Long> inModel() {
        NavigableSet<Long> in = new TreeSet<>();
        open.forEach((o, s) -> {
            if (s == State.IN_MODEL) {
                in.add(o);
            }
        });
        return in;
    }

    /** Records a commit at {@code position}: the done studies before it are forgotten. */
    void committed(long position) {
        open.headMap(position).clear();
    }

    /** The first study still open (where a rewind seeks to), or -1. */
    long first() {
        return open.isEmpty() ? -1 : open.firstKey();
    }

    /** Forgets every open study (the partition was rewound: they come again). */
    void clear() {
        open.clear();
    }
}
