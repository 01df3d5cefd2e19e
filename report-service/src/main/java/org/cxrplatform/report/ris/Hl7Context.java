package org.cxrplatform.report.ris;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * The service's one HAPI context: in-memory id generator (the default writes {@code id_file} into
 * the working directory) and no message validation (we build the messages ourselves; a RIS's
 * ACK must be read even when it bends the rules).
 */
@ApplicationScoped
public class Hl7Context {

    private final HapiContext context;

    public Hl7Context() {
        context = new DefaultHapiContext();
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        context.setValidationContext(ValidationContextFactory.noValidation());
    }

    public HapiContext get() {
        return context;
    }

    @PreDestroy
    void close() throws IOException {
        context.close();
    }
}
