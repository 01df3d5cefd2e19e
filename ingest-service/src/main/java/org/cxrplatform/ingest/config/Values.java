package org.cxrplatform.ingest.config;

import java.util.Locale;
import org.eclipse.microprofile.config.spi.Converter;

/** How list settings are read: each value trimmed; terms matched against DICOM and HL7 words also upper-cased. */
public final class Values {

    private Values() {}

    /** For AE titles, which are compared as sent. */
    public static final class Trimmed implements Converter<String> {
        @Override
        public String convert(String value) {
            return value.trim();
        }
    }

    public static final class UpperCase implements Converter<String> {
        @Override
        public String convert(String value) {
            return value.trim().toUpperCase(Locale.ROOT);
        }
    }
}
