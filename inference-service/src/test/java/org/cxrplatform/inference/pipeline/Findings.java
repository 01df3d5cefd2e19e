package org.cxrplatform.inference.pipeline;

/** The findings reader the tests use: the service's own. */
final class Findings {
    static final FindingsReader READER = FindingsReaderProducer.reader();

    private Findings() {}
}
