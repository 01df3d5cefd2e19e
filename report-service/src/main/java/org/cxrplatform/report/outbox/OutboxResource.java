package org.cxrplatform.report.outbox;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.cxrplatform.report.api.ApiException;
import org.cxrplatform.report.audit.AuditLog;
import org.cxrplatform.report.security.Roles;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Operators' view of deliveries to RIS, PACS, FHIR and the alert webhook; parked messages can be re-sent. */
@Path("/api/outbox")
@Produces(MediaType.APPLICATION_JSON)
public class OutboxResource {

    @Inject
    OutboxRepository outbox;

    @Inject
    AuditLog audit;

    @Inject
    JsonWebToken jwt;

    /** @param payloadText HL7 text, FHIR/webhook JSON; null for DICOM */
    public record EntryView(
            long id,
            String kind,
            String destination,
            String orderKey,
            String summary,
            String messageId,
            String status,
            int attempts,
            Instant nextAttemptAt,
            String lastError,
            Instant createdAt,
            Instant deliveredAt,
            String payloadText) {
        static EntryView of(OutboxEntry e) {
            String text =
                    OutboxEntry.DICOM_SR.equals(e.kind()) ? null : new String(e.payload(), StandardCharsets.UTF_8);
            return new EntryView(
                    e.id(),
                    e.kind(),
                    e.destination(),
                    e.orderKey(),
                    e.summary(),
                    e.messageId(),
                    e.status(),
                    e.attempts(),
                    e.nextAttemptAt(),
                    e.lastError(),
                    e.createdAt(),
                    e.deliveredAt(),
                    text);
        }
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    @Operation(summary = "Outbox entries, e.g. ?status=PARKED, ?kind=HL7, ?destination=RIS:host:port")
    public List<EntryView> list(
            @QueryParam("status") String status,
            @QueryParam("kind") String kind,
            @QueryParam("destination") String destination,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        if (status != null
                && !Set.of(OutboxEntry.PENDING, OutboxEntry.DELIVERED, OutboxEntry.PARKED)
                        .contains(status)) {
            throw new BadRequestException("status must be PENDING, DELIVERED or PARKED");
        }
        return outbox.list(status, kind, destination, null, Math.max(1, Math.min(limit, 1000))).stream()
                .map(EntryView::of)
                .toList();
    }

    @POST
    @Path("/{id}/resend")
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    @Operation(summary = "Put a parked entry back in line with a fresh attempt budget")
    public EntryView resend(@PathParam("id") long id) {
        OutboxEntry e = outbox.find(id).orElseThrow(() -> new ApiException(404, "no outbox entry " + id));
        if (!outbox.requeue(id)) {
            throw new ApiException(
                    409, "outbox entry " + id + " is " + e.status() + "; only PARKED entries can be re-sent");
        }
        audit.record(jwt.getName(), "RESEND", "outbox", Long.toString(id), e.summary() + " to " + e.destination());
        return EntryView.of(outbox.find(id).orElseThrow());
    }
}
