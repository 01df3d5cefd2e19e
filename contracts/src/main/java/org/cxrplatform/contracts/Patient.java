package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.LocalDate;

/**
 * Patient identity: protected health information. Present in events only where a site turns it
 * on (the RIS then gets a full PID segment); otherwise reports are matched by accession number.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Patient(String id, String issuer, String name, LocalDate birthDate, String sex) {}
