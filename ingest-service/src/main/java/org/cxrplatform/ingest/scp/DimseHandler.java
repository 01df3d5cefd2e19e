package org.cxrplatform.ingest.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * Receives one DIMSE request (command and data set) on an association: C-ECHO, or C-STORE with
 * the data set streamed straight into a spool file (never held in memory). PixelMed calls
 * {@link #sendPDataIndication} for every P-DATA PDU; {@link DicomServer} reads the result once
 * {@link #isDone()}. Extends PixelMed's public {@link CompositeResponseHandler} only because
 * {@code ReceivedDataHandler}'s constructor is package-private; none of its logic is used.
 *
 * <p>Not thread-safe: one per request, on the association's thread.
 */
final class DimseHandler extends CompositeResponseHandler {

    private static final AttributeTag COMMAND_FIELD = new AttributeTag(0x0000, 0x0100);
    private static final AttributeTag MESSAGE_ID = new AttributeTag(0x0000, 0x0110);
    private static final AttributeTag AFFECTED_SOP_CLASS = new AttributeTag(0x0000, 0x0002);
    private static final AttributeTag AFFECTED_SOP_INSTANCE = new AttributeTag(0x0000, 0x1000);
    private static final AttributeTag DATA_SET_TYPE = new AttributeTag(0x0000, 0x0800);
    private static final AttributeTag MOVE_ORIGINATOR_AE = new AttributeTag(0x0000, 0x1030);

    private final Path incomingDir;
    private final long maxInstanceBytes;
    private final ByteArrayOutputStream command = new ByteArrayOutputStream();

    private int commandField = -1;
    private int messageId;
    private byte presentationContextId;
    private String sopClassUid;
    private String sopInstanceUid;
    private String moveOriginatorAe;
    private String transferSyntaxUid;
    private String callingAe;
    private Path partFile;
    private OutputStream out;
    private long dataBytes;
    private boolean tooLarge;
    private Instant receivedAt;

    DimseHandler(Path incomingDir, long maxInstanceBytes) {
        this.incomingDir = incomingDir;
        this.maxInstanceBytes = maxInstanceBytes;
    }

    @Override
    public void sendPDataIndication(PDataPDU pdu, Association association)
            throws DicomNetworkException, DicomException, IOException {
        for (Object o : pdu.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) o;
            if (pdv.isCommand()) {
                command.writeBytes(pdv.getValue());
                if (pdv.isLastFragment()) {
                    onCommand(association, pdv.getPresentationContextID());
                }
            } else {
                onData(pdv);
            }
        }
    }

    private void onCommand(Association association, byte pcid)
            throws DicomNetworkException, DicomException, IOException {
        AttributeList list = CompositeResponseHandler.getAttributeListFromCommandOrData(
                command.toByteArray(), TransferSyntax.ImplicitVRLittleEndian);
        presentationContextId = pcid;
        commandField = Attribute.getSingleIntegerValueOrDefault(list, COMMAND_FIELD, -1);
        messageId = Attribute.getSingleIntegerValueOrDefault(list, MESSAGE_ID, 0);
        sopClassUid = Attribute.getSingleStringValueOrNull(list, AFFECTED_SOP_CLASS);
        sopInstanceUid = Attribute.getSingleStringValueOrNull(list, AFFECTED_SOP_INSTANCE);
        String originator = Attribute.getSingleStringValueOrNull(list, MOVE_ORIGINATOR_AE);
        moveOriginatorAe = originator == null || originator.isBlank() ? null : originator.trim();
        callingAe = association.getCallingAETitle().trim();
        transferSyntaxUid = association.getTransferSyntaxForPresentationContextID(pcid);
        boolean hasData = Attribute.getSingleIntegerValueOrDefault(list, DATA_SET_TYPE, CommandMessages.NO_DATA_SET)
                != CommandMessages.NO_DATA_SET;
        if (commandField == CommandMessages.C_STORE_RQ && hasData) {
            partFile = incomingDir.resolve(UUID.randomUUID() + ".part");
            out = new BufferedOutputStream(Files.newOutputStream(partFile), 1 << 16);
            DicomOutputStream meta = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, null);
            new FileMetaInformation(sopClassUid, sopInstanceUid, transferSyntaxUid, callingAe)
                    .getAttributeList()
                    .write(meta);
            meta.flush();
        } else if (commandField != CommandMessages.C_ECHO_RQ) {
            throw new DicomNetworkException(String.format("unsupported DIMSE command 0x%04X", commandField));
        }
        if (!hasData) {
            setDone(true);
        }
    }

    private void onData(PresentationDataValue pdv) throws IOException, DicomNetworkException {
        if (commandField != CommandMessages.C_STORE_RQ) {
            throw new DicomNetworkException("data set fragment without a C-STORE-RQ");
        }
        byte[] value = pdv.getValue();
        dataBytes += value.length;
        if (!tooLarge && dataBytes > maxInstanceBytes) {
            tooLarge = true; // keep reading the peer's fragments, store nothing more
            discard();
        }
        if (!tooLarge) {
            out.write(value);
        }
        if (pdv.isLastFragment()) {
            if (out != null) {
                out.close();
                out = null;
            }
            receivedAt = Instant.now();
            setDone(true);
        }
    }

    @Override
    protected void evaluateStatusAndSetSuccess(AttributeList list) {
        // Not a response handler: unused.
    }

    boolean isEcho() {
        return commandField == CommandMessages.C_ECHO_RQ;
    }

    boolean isTooLarge() {
        return tooLarge;
    }

    long dataBytes() {
        return dataBytes;
    }

    byte presentationContextId() {
        return presentationContextId;
    }

    byte[] echoResponse() {
        return CommandMessages.echoResponse(sopClassUid, messageId);
    }

    byte[] storeResponse(StoreOutcome outcome) {
        return CommandMessages.storeResponse(sopClassUid, sopInstanceUid, messageId, outcome);
    }

    StoreRequest storeRequest() {
        return new StoreRequest(
                partFile,
                sopClassUid,
                sopInstanceUid,
                transferSyntaxUid,
                callingAe,
                moveOriginatorAe,
                receivedAt == null ? Instant.now() : receivedAt);
    }

    String sopInstanceUid() {
        return sopInstanceUid;
    }

    /** Closes and deletes a partial file: the association broke, or the data set was refused. */
    void discard() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // deleting anyway
        }
        out = null;
        if (partFile != null) {
            try {
                Files.deleteIfExists(partFile);
            } catch (IOException ignored) {
                // start-up clean-up removes stale .part files
            }
        }
    }
}
