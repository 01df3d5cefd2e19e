package org.cxrplatform.evaluation.run;

import java.io.IOException;
import java.util.List;

/** Writes a report for each study of a batch: the model, or a file of reports written before. */
public interface ReportSource extends AutoCloseable {

    /** Stored with every generated line; a resumed run must come from the same source. */
    String sourceId();

    /** Reports for the batch, in the batch's order. */
    List<Generated> generate(List<StudyInput> batch) throws IOException;

    @Override
    default void close() throws Exception {}
}
