package org.cxrplatform.containers;

import org.cxrplatform.e2e.EndToEndChecks;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The e2e module's end-to-end checks on the platform as deployed: C-STORE with storescu into the
 * ingest container, each frontal chest study exactly once as an ORU at the RIS, as an SR in Orthanc and
 * as a FHIR DiagnosticReport, the three agreeing; nothing lost.
 */
@ExtendWith(ContainerPlatformExtension.class)
class ContainersEndToEndTest extends EndToEndChecks {}
