package org.cxrplatform.audit;

/**
 * A user or process taking part in the event: the radiologist from the bearer token (requestor), the
 * sending router's AE title, this service, a RIS. {@code networkAccessPoint} is an IP address or
 * host name (NetworkAccessPointTypeCode 2 or 1); {@code role} is a DCM role code (source, destination,
 * application) or null.
 */
public record ActiveParticipant(String userId, boolean requestor, String networkAccessPoint, Code role) {

    public static final Code SOURCE = Code.dcm("110153", "Source Role ID");
    public static final Code DESTINATION = Code.dcm("110152", "Destination Role ID");

    /** The person or system that asked for the event (a token's subject, a calling AE title). */
    public static ActiveParticipant requestor(String userId, String networkAccessPoint) {
        return new ActiveParticipant(userId, true, networkAccessPoint, null);
    }

    /** NetworkAccessPointTypeCode: 2 for an IP address, 1 for a machine name. */
    String networkAccessPointType() {
        return networkAccessPoint.matches("[0-9.]+|.*:.*") ? "2" : "1";
    }
}
