package org.cxrplatform.audit;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes an {@link AuditEvent} as a DICOM audit message (PS3.15 A.5.1, the RFC 3881 schema with
 * DICOM's coded-value attributes), on one line, without an XML declaration.
 */
public final class AuditXml {

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private final String sourceId;
    private final String enterpriseSiteId;

    /**
     * @param sourceId AuditSourceID: which service wrote the message (e.g. {@code cxr-report-service@host})
     * @param enterpriseSiteId AuditEnterpriseSiteID: the hospital, or null
     */
    public AuditXml(String sourceId, String enterpriseSiteId) {
        this.sourceId = sourceId;
        this.enterpriseSiteId = enterpriseSiteId;
    }

    public String write(AuditEvent event) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = FACTORY.createXMLStreamWriter(out);
            x.writeStartElement("AuditMessage");

            x.writeStartElement("EventIdentification");
            x.writeAttribute("EventActionCode", event.action().code());
            x.writeAttribute("EventDateTime", DateTimeFormatter.ISO_INSTANT.format(event.at()));
            x.writeAttribute(
                    "EventOutcomeIndicator", Integer.toString(event.outcome().code()));
            code(x, "EventID", event.id().code());
            for (Code type : event.types()) {
                code(x, "EventTypeCode", type);
            }
            x.writeEndElement();

            for (ActiveParticipant p : event.participants()) {
                x.writeStartElement("ActiveParticipant");
                x.writeAttribute("UserID", p.userId());
                x.writeAttribute("UserIsRequestor", Boolean.toString(p.requestor()));
                if (p.networkAccessPoint() != null) {
                    x.writeAttribute("NetworkAccessPointID", p.networkAccessPoint());
                    x.writeAttribute("NetworkAccessPointTypeCode", p.networkAccessPointType());
                }
                if (p.role() != null) {
                    code(x, "RoleIDCode", p.role());
                }
                x.writeEndElement();
            }

            x.writeStartElement("AuditSourceIdentification");
            if (enterpriseSiteId != null) {
                x.writeAttribute("AuditEnterpriseSiteID", enterpriseSiteId);
            }
            x.writeAttribute("AuditSourceID", sourceId);
            code(x, "AuditSourceTypeCode", Code.dcm("4", "Application Server Process"));
            x.writeEndElement();

            for (ParticipantObject o : event.objects()) {
                x.writeStartElement("ParticipantObjectIdentification");
                x.writeAttribute("ParticipantObjectID", o.id());
                x.writeAttribute("ParticipantObjectTypeCode", Integer.toString(o.type()));
                x.writeAttribute("ParticipantObjectTypeCodeRole", Integer.toString(o.role()));
                code(x, "ParticipantObjectIDTypeCode", o.idType());
                if (o.name() != null) {
                    element(x, "ParticipantObjectName", o.name());
                }
                if (o.query() != null) {
                    element(
                            x,
                            "ParticipantObjectQuery",
                            Base64.getEncoder().encodeToString(o.query().getBytes(StandardCharsets.UTF_8)));
                }
                x.writeEndElement();
            }

            x.writeEndElement();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write an audit message", e);
        }
        return out.toString();
    }

    private static void code(XMLStreamWriter x, String element, Code c) throws XMLStreamException {
        x.writeEmptyElement(element);
        x.writeAttribute("csd-code", c.code());
        x.writeAttribute("codeSystemName", c.system());
        x.writeAttribute("originalText", c.text());
    }

    private static void element(XMLStreamWriter x, String element, String text) throws XMLStreamException {
        x.writeStartElement(element);
        x.writeCharacters(text);
        x.writeEndElement();
    }
}
