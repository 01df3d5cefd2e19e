package org.cxrplatform.ingest.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Typed configuration of the ingest service ({@code cxr.ingest.*}); every key, its default and its
 * environment variable are listed in {@code application.properties}.
 */
@ConfigMapping(prefix = "cxr.ingest")
public interface IngestConfig {

    /** Our AE title. */
    @WithDefault("CXR_AI")
    String aeTitle();

    /** DICOM SCP port. */
    @WithDefault("11112")
    int dicomPort();

    @WithDefault("0.0.0.0")
    String bindAddress();

    /** Calling AE titles admitted; empty admits every caller. */
    Optional<List<String>> allowedCallingAes();

    @WithDefault("32")
    int maxAssociations();

    @WithDefault("536870912")
    long maxInstanceBytes();

    @WithDefault("60s")
    Duration idleTimeout();

    /** Spool (received instances, quarantine) and backlog job files live under this folder. */
    @WithDefault("data/ingest")
    Path dataDir();

    /** Patient identity in StudyEvents. */
    @WithDefault("false")
    boolean phiInEvents();

    /** Longest wait for Kafka's acknowledgement before a C-STORE is answered with a failure. */
    @WithDefault("10s")
    Duration deliveryTimeout();

    /** How often spool leftovers (crash, Kafka outage) are retried. */
    @WithDefault("10s")
    Duration recoveryInterval();

    Selection selection();

    Lanes lanes();

    Render render();

    Backlog backlog();

    Orders orders();

    interface Selection {
        @WithDefault("CR,DX,DR")
        List<String> modalities();

        @WithDefault("CHEST,THORAX,LUNG,LUNGS,CXR")
        List<String> chestTerms();

        @WithDefault("PA,AP")
        List<String> frontalViews();

        @WithDefault("LL,RL,LATERAL,LAT,LLD,RLD,LAO,RAO,LPO,RPO")
        List<String> lateralViews();
    }

    interface Lanes {
        @WithDefault("STAT")
        List<String> statPriorities();

        @WithDefault("ED,ER,EMERGENCY,A&E")
        List<String> statLocations();

        Optional<List<String>> statCallingAes();
    }

    interface Render {
        @WithDefault("1024")
        int maxEdge();

        @WithDefault("50000000")
        long maxPixels();

        @WithDefault("16384")
        int maxDimension();

        @WithDefault("209715200")
        long maxFrameBytes();

        @WithDefault("2")
        int maxConcurrentDecodes();

        @WithDefault("900000")
        int maxInlineBytes();

        @WithDefault("/usr/lib/x86_64-linux-gnu/jni/libgdcmjni.so")
        Path gdcmLibrary();

        @WithDefault("gdcmconv")
        String gdcmconv();
    }

    interface Backlog {
        /** The PACS queried and retrieved from; jobs are refused while unset. */
        Optional<String> pacsHost();

        @WithDefault("104")
        int pacsPort();

        @WithDefault("PACS")
        String pacsAeTitle();

        /** Instances per second moved into the routine lane. */
        @WithDefault("5")
        double ratePerSecond();

        /** DIMSE (C-FIND/C-MOVE to pacs-host) or DICOMWEB (QIDO-RS/WADO-RS to dicomweb-url). */
        @WithDefault("DIMSE")
        String protocol();

        /** DICOMweb root of the backlog PACS, e.g. http://pacs:8042/dicom-web (with protocol DICOMWEB). */
        Optional<String> dicomwebUrl();

        /** Authorization header value for the DICOMweb PACS. */
        Optional<String> dicomwebAuthorization();
    }

    interface Orders {
        /** MLLP port of the HL7 order listener (ORM^O01, OMI^O23); unset: no listener. */
        Optional<Integer> mllpPort();

        @WithDefault("CHEST,THORAX,LUNG,LUNGS,CXR")
        List<String> chestTerms();

        @WithDefault("XR,CXR,X-RAY,XRAY,RADIOGRAPH,RADIOGRAPHY,DX,CR,PA,AP")
        List<String> radiographTerms();

        @WithDefault("36643-5,30745-4,24648-8,36554-4,42272-5")
        List<String> procedureCodes();

        /** ORC-5 order statuses that complete an order and trigger the retrieval. */
        @WithDefault("CM")
        List<String> completeStatuses();

        @WithDefault("S,STAT")
        List<String> statPriorities();

        @WithDefault("E")
        List<String> statPatientClasses();

        @WithDefault("5")
        int retrieveAttempts();

        @WithDefault("30s")
        java.time.Duration retryDelay();
    }
}
