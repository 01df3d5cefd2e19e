package org.cxrplatform.e2e.harness;

import java.nio.file.Path;
import org.cxrplatform.testsupport.Orthanc;
import org.cxrplatform.testsupport.RisPeer;

/**
 * What the end-to-end checks need of a running platform, however it was started: as processes on
 * this machine ({@link Platform}) or as containers from the images (module e2e-containers).
 */
public interface RunningPlatform {

    /** The RIS every ORU goes to. */
    RisPeer ris();

    /** The PACS that receives the DICOM SRs, or null when SR export is off. */
    Orthanc pacs();

    /** report-service's REST and FHIR API. */
    ReportApi api();

    /** ingest-service's DICOM port on this machine. */
    int dicomPort();

    /** ingest-service's AE title. */
    String aeTitle();

    /** A calling AE title the ingest SCP admits (a router). */
    String callingAe();

    /** Kafka as this machine reaches it. */
    String kafkaBootstrapServers();

    /** A folder for this run's files. */
    Path work();
}
