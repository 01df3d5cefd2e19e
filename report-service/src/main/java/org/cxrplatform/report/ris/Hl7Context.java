package org.cxrplatform.report.ris;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The service's one HAPI context: in-memory id generator (the default writes {@code id_file} into
 * the working directory) and no message validation (we build the messages ourselves; a RIS's
 * ACK must be read even when it bends the rules). {@link MllpConnection} frames with {@link #utf8Llp()}.
 */
@ApplicationScoped
public class Hl7Context {

    private final HapiContext context;

    public Hl7Context() {
        context = new DefaultHapiContext();
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        context.setValidationContext(ValidationContextFactory.noValidation());
    }

    /**
     * MLLP that writes each message in the charset its MSH-18 names and reads an ACK in the charset
     * its MSH-18 names, UTF-8 when it names none. HAPI's default is US-ASCII (system property
     * {@code ca.uhn.hl7v2.llp.charset}), which turned every 'µ', '°' or U+FFFD into '?'.
     */
    public static MinLowerLayerProtocol utf8Llp() {
        MinLowerLayerProtocol llp = new MinLowerLayerProtocol(true);
        llp.setCharset(StandardCharsets.UTF_8);
        return llp;
    }

    public HapiContext get() {
        return context;
    }

    @PreDestroy
    void close() throws IOException {
        context.close();
    }
}
