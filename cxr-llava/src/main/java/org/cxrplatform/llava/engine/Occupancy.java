package org.cxrplatform.llava.engine;

/**
 * The engine at a glance, for schedulers and metrics.
 *
 * @param step       the number the next step will have
 * @param slots      sequences the KV cache holds
 * @param running    admitted sequences (prefilling or decoding)
 * @param prefilling of those, still prefilling their prompt
 * @param waiting    submitted, not yet admitted
 */
public record Occupancy(long step, int slots, int running, int prefilling, int waiting) {

    public int freeSlots() {
        return slots - running;
    }
}
