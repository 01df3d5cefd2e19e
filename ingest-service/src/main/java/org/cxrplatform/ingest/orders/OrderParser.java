package org.cxrplatform.ingest.orders;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.message.OMI_O23;
import ca.uhn.hl7v2.model.v251.message.ORM_O01;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the order groups of an ORM^O01 or OMI^O23 (v2.5.1 structures); refuses a message that lacks a required field. */
final class OrderParser {

    /** A message refused as a whole; {@link #answer} is its ACK with the reason in MSA-3/ERR. */
    static final class Refused extends Exception {
        private final AcknowledgmentCode ack;
        private final ErrorCode error;

        Refused(AcknowledgmentCode ack, String reason, ErrorCode error) {
            super(reason);
            this.ack = ack;
            this.error = error;
        }

        Message answer(Message in) throws HL7Exception, IOException {
            return in.generateACK(ack, new HL7Exception(getMessage(), error));
        }
    }

    private OrderParser() {}

    static List<ParsedOrder> read(Message in) throws HL7Exception, Refused {
        List<ParsedOrder> orders = new ArrayList<>();
        if (in instanceof ORM_O01 orm) {
            String patientClass = orm.getPATIENT()
                    .getPATIENT_VISIT()
                    .getPV1()
                    .getPatientClass()
                    .getValue();
            for (int i = 0; i < orm.getORDERReps(); i++) {
                ORC orc = orm.getORDER(i).getORC();
                OBR obr = orm.getORDER(i).getORDER_DETAIL().getOBR();
                List<String> prio = new ArrayList<>();
                prio.add(orc.getQuantityTiming(0).getPriority().getValue());
                prio.add(obr.getQuantityTiming(0).getPriority().getValue());
                prio.add(obr.getPriorityOBR().getValue());
                orders.add(parsed(orc, obr, null, prio, patientClass));
            }
        } else if (in instanceof OMI_O23 omi) {
            String patientClass = omi.getPATIENT()
                    .getPATIENT_VISIT()
                    .getPV1()
                    .getPatientClass()
                    .getValue();
            for (int i = 0; i < omi.getORDERReps(); i++) {
                var order = omi.getORDER(i);
                List<String> prio = new ArrayList<>();
                prio.add(order.getORC().getQuantityTiming(0).getPriority().getValue());
                for (int t = 0; t < order.getTIMINGReps(); t++) {
                    prio.add(order.getTIMING(t)
                            .getTQ1()
                            .getPriority(0)
                            .getIdentifier()
                            .getValue());
                }
                prio.add(order.getOBR().getPriorityOBR().getValue());
                String ipc = order.getIPCReps() > 0
                        ? order.getIPC(0)
                                .getAccessionIdentifier()
                                .getEntityIdentifier()
                                .getValue()
                        : null;
                orders.add(parsed(order.getORC(), order.getOBR(), ipc, prio, patientClass));
            }
        } else {
            throw new Refused(AcknowledgmentCode.AR, "unsupported message type", ErrorCode.UNSUPPORTED_MESSAGE_TYPE);
        }
        if (orders.isEmpty()) {
            throw new Refused(AcknowledgmentCode.AE, "no ORC/OBR order group", ErrorCode.SEGMENT_SEQUENCE_ERROR);
        }
        for (ParsedOrder p : orders) {
            if (p.control() == null) {
                throw new Refused(
                        AcknowledgmentCode.AE, "ORC-1 order control missing", ErrorCode.REQUIRED_FIELD_MISSING);
            }
            if (p.accession() == null) {
                throw new Refused(
                        AcknowledgmentCode.AE,
                        "no accession number (IPC-1, OBR-18, ORC-3 or OBR-3)",
                        ErrorCode.REQUIRED_FIELD_MISSING);
            }
        }
        return orders;
    }

    private static ParsedOrder parsed(
            ORC orc, OBR obr, String ipcAccession, List<String> priorities, String patientClass) {
        String accession = first(
                ipcAccession,
                obr.getPlacerField1().getValue(),
                orc.getFillerOrderNumber().getEntityIdentifier().getValue(),
                obr.getFillerOrderNumber().getEntityIdentifier().getValue());
        CE procedure = obr.getUniversalServiceIdentifier();
        return new ParsedOrder(
                upper(trim(orc.getOrderControl().getValue())),
                upper(trim(orc.getOrderStatus().getValue())),
                first(
                        orc.getPlacerOrderNumber().getEntityIdentifier().getValue(),
                        obr.getPlacerOrderNumber().getEntityIdentifier().getValue()),
                accession,
                procedure.getIdentifier().getValue(),
                procedure.getText().getValue(),
                procedure.getNameOfCodingSystem().getValue(),
                procedure.getAlternateText().getValue(),
                priorities,
                trim(patientClass));
    }

    private static String first(String... values) {
        for (String v : values) {
            if (trim(v) != null) {
                return v.trim();
            }
        }
        return null;
    }

    private static String trim(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String upper(String v) {
        return v == null ? null : v.toUpperCase(Locale.ROOT);
    }
}
