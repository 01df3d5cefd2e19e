package org.cxrplatform.ingest.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A query's criteria (a C-FIND identifier's text) are rendered only when an audit message is sent. */
class IngestAuditQueryTest {

    @Test
    void withoutACollectorTheCriteriaAreNeverRendered() {
        AtomicInteger rendered = new AtomicInteger();
        IngestAudit.NONE.queried(
                "PACS",
                "C-FIND",
                () -> {
                    rendered.incrementAndGet();
                    return "(0008,0052) QueryRetrieveLevel STUDY";
                },
                true);
        assertThat(rendered).hasValue(0);
    }
}
