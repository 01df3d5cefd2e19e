package org.cxrplatform.report.security;

/** The three roles, carried in the token's {@code groups} claim. */
public final class Roles {
    /** Reads the worklist, reports, FHIR resources and quality figures. */
    public static final String VIEWER = "viewer";
    /** Also accepts, edits and rejects reports and acknowledges alerts. */
    public static final String RADIOLOGIST = "radiologist";
    /** Also sees the outbox and the audit log and re-sends parked messages. */
    public static final String ADMIN = "admin";

    private Roles() {}
}
