package org.cxrplatform.inference.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The findings reader the service uses. */
@ApplicationScoped
public class FindingsReaderProducer {

    @Produces
    @ApplicationScoped
    FindingsReader findingsReader() {
        return FindingsReader.notMentioned();
    }
}
