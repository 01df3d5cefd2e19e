package org.cxrplatform.ingest.orders;

import java.time.Duration;
import java.util.Set;

/**
 * HL7 order intake settings (all upper-case sets).
 *
 * @param mllpPort           MLLP listener port
 * @param chestTerms         words of OBR-4 (code or text) naming the chest
 * @param radiographTerms    words of OBR-4 naming a radiograph (an order needs one of each), e.g. XR, CXR, RADIOGRAPH
 * @param procedureCodes     OBR-4 codes that are chest radiographs on their own (e.g. LOINC 36643-5)
 * @param completeStatuses   ORC-5 values that complete an order (CM)
 * @param statPriorities     priorities (ORC-7.6, OBR-27.6, OBR-5, TQ1-9) that make it STAT (S, STAT)
 * @param statPatientClasses PV1-2 values that make it STAT (E)
 * @param retrieveAttempts   C-FIND/C-MOVE attempts for a completed order (the study may reach the PACS late)
 * @param retryDelay         wait between attempts
 * @param pushedRetention    how long an accession number that arrived by push is remembered (and not retrieved)
 * @param tls                MLLP over TLS for the listener; null: plain TCP
 */
public record OrderSettings(int mllpPort, Set<String> chestTerms, Set<String> radiographTerms, Set<String> procedureCodes,
                            Set<String> completeStatuses, Set<String> statPriorities, Set<String> statPatientClasses,
                            int retrieveAttempts, Duration retryDelay, Duration pushedRetention, MllpTls tls) {

    public static OrderSettings defaults(int port) {
        return new OrderSettings(port, Set.of("CHEST", "THORAX", "LUNG", "LUNGS", "CXR"),
                Set.of("XR", "CXR", "X-RAY", "XRAY", "RADIOGRAPH", "RADIOGRAPHY", "DX", "CR", "PA", "AP"),
                Set.of("36643-5", "30745-4", "24648-8", "36554-4", "42272-5"), Set.of("CM"), Set.of("S", "STAT"),
                Set.of("E"), 5, Duration.ofSeconds(30), Duration.ofDays(30), null);
    }

    public OrderSettings withRetrieval(int attempts, Duration delay) {
        return new OrderSettings(mllpPort, chestTerms, radiographTerms, procedureCodes, completeStatuses, statPriorities,
                statPatientClasses, attempts, delay, pushedRetention, tls);
    }

    public OrderSettings withTls(MllpTls newTls) {
        return new OrderSettings(mllpPort, chestTerms, radiographTerms, procedureCodes, completeStatuses, statPriorities,
                statPatientClasses, retrieveAttempts, retryDelay, pushedRetention, newTls);
    }
}
