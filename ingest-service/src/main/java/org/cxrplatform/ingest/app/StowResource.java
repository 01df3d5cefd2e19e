package org.cxrplatform.ingest.app;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.stow.MultipartRelatedReader;
import org.cxrplatform.ingest.stow.StowReceiver;
import org.jboss.logging.Logger;

/**
 * STOW-RS receive: {@code POST /dicomweb/studies[/{study}]} with
 * {@code multipart/related; type="application/dicom"}. The body is streamed part by part into the
 * spool and each instance goes through the C-STORE pipeline; the answer is a DICOM JSON Store
 * Instances Response with ReferencedSOPSequence (0008,1199) and FailedSOPSequence (0008,1198)
 * carrying FailureReason (0008,1197) — 200 when every instance got its success (by default once fsync'd in the
 * spool with its header checked; with {@code acknowledge=KAFKA} once Kafka acknowledged it), 202 when some
 * failed, 409 when none was stored.
 */
@Path("/dicomweb/studies")
public class StowResource {

    private static final Logger LOG = Logger.getLogger(StowResource.class);
    private static final String DICOM_JSON = "application/dicom+json";

    private final IngestLifecycle lifecycle;
    private final TokenAccess access;

    public StowResource(IngestLifecycle lifecycle, TokenAccess access) {
        this.lifecycle = lifecycle;
        this.access = access;
    }

    @POST
    @Blocking
    @Consumes("multipart/related")
    @Produces(DICOM_JSON)
    public Response store(@HeaderParam("Content-Type") String contentType, InputStream body, @Context UriInfo uri) {
        return stow(contentType, body, null, uri);
    }

    @POST
    @Path("{study}")
    @Blocking
    @Consumes("multipart/related")
    @Produces(DICOM_JSON)
    public Response storeToStudy(
            @PathParam("study") String study,
            @HeaderParam("Content-Type") String contentType,
            InputStream body,
            @Context UriInfo uri) {
        return stow(contentType, body, study, uri);
    }

    private Response stow(String contentType, InputStream body, String study, UriInfo uri) {
        Optional<TokenAccess.Refusal> refusal = access.stow();
        if (refusal.isPresent()) {
            TokenAccess.Refusal r = refusal.get();
            Response.ResponseBuilder response = errorResponse(r.status(), r.message());
            return (r.challenge() == null ? response : response.header("WWW-Authenticate", r.challenge())).build();
        }
        String type = MultipartRelatedReader.parameter(contentType, "type");
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/dicom")) {
            return error(415, "only type=\"application/dicom\" parts are accepted, not " + type);
        }
        String boundary = MultipartRelatedReader.boundaryOf(contentType);
        if (boundary == null) {
            return error(400, "multipart/related without a boundary parameter");
        }
        IngestNode node = lifecycle.node();
        if (node == null) {
            return error(503, "ingest node not started");
        }
        StowReceiver receiver = new StowReceiver(
                node.pipeline(), node.spool().incomingDir(), node.config().scp().maxInstanceBytes());
        StowReceiver.Result result;
        try {
            result = receiver.receive(body, boundary, study, "http");
        } catch (IllegalArgumentException | IOException e) {
            return error(400, e.getMessage());
        }
        String base = uri.getBaseUri().toString().replaceAll("/$", "") + "/dicomweb/studies";
        Map<String, Object> response = new LinkedHashMap<>();
        List<Map<String, Object>> referenced = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (StowReceiver.InstanceResult r : result.instances()) {
            Map<String, Object> item = new LinkedHashMap<>();
            if (r.sopClassUid() != null) {
                item.put("00081150", attr("UI", r.sopClassUid()));
            }
            if (r.sopInstanceUid() != null) {
                item.put("00081155", attr("UI", r.sopInstanceUid()));
            }
            if (r.outcome().success()) {
                if (r.studyInstanceUid() != null && r.sopInstanceUid() != null) {
                    item.put(
                            "00081190",
                            attr("UR", base + "/" + r.studyInstanceUid() + "/instances/" + r.sopInstanceUid()));
                }
                referenced.add(item);
            } else {
                item.put("00081197", attr("US", r.outcome().status()));
                // The reason in words, as the C-STORE Error Comment would carry it.
                item.put("00000902", attr("LO", r.outcome().comment()));
                failed.add(item);
                LOG.infof(
                        "STOW instance %s failed: 0x%04X %s",
                        r.sopInstanceUid(), r.outcome().status(), r.outcome().comment());
            }
        }
        if (study != null) {
            response.put("00081190", attr("UR", base + "/" + study));
        }
        if (!referenced.isEmpty()) {
            response.put("00081199", Map.of("vr", "SQ", "Value", referenced));
        }
        if (!failed.isEmpty()) {
            response.put("00081198", Map.of("vr", "SQ", "Value", failed));
        }
        if (result.instances().isEmpty()) {
            return error(400, "multipart body without any part");
        }
        return Response.status(result.httpStatus())
                .type(DICOM_JSON)
                .entity(response)
                .build();
    }

    private static Map<String, Object> attr(String vr, Object value) {
        return Map.of("vr", vr, "Value", List.of(value == null ? "" : value));
    }

    private static Response error(int status, String message) {
        return errorResponse(status, message).build();
    }

    /** A request-level refusal: DICOM JSON with the reason in Error Comment (0000,0902). */
    private static Response.ResponseBuilder errorResponse(int status, String message) {
        LOG.infof("STOW-RS request refused with HTTP %d: %s", status, message);
        return Response.status(status).type(DICOM_JSON).entity(Map.of("00000902", attr("LO", message)));
    }
}
