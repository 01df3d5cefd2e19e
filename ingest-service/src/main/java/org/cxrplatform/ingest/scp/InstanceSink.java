package org.cxrplatform.ingest.scp;

/**
 * Where the SCP hands each received instance. Called on the association's thread, before the
 * C-STORE response is sent: the returned outcome is the status the peer sees, so an
 * implementation answers success only once the instance is safe downstream. Must not throw;
 * a thrown exception is answered with {@link DicomStatus#PROCESSING_FAILURE}.
 */
@FunctionalInterface
public interface InstanceSink {
    StoreOutcome store(StoreRequest request);
}
