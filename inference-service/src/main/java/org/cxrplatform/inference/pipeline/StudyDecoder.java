package org.cxrplatform.inference.pipeline;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.StudyImage;

/**
 * Turns a study record's value into the event and the 8-bit greyscale image the model reads.
 * Failures say whether retrying can help ({@link StudyDecodeException#permanent()}): bad JSON,
 * a bad PNG or a digest mismatch never heal; an image file that cannot be read yet may.
 * Thread-safe.
 */
public final class StudyDecoder {

    /** A study ready for the model. */
    public record DecodedStudy(StudyEvent event, BufferedImage image) {}

    /** Why a study cannot go to the model; {@code event} is set when the JSON was readable. */
    public static final class StudyDecodeException extends Exception {
        private final boolean permanent;
        private final transient StudyEvent event;

        StudyDecodeException(String message, boolean permanent, StudyEvent event, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
            this.event = event;
        }

        public boolean permanent() {
            return permanent;
        }

        public StudyEvent event() {
            return event;
        }
    }

    public DecodedStudy decode(byte[] value) throws StudyDecodeException {
        if (value == null || value.length == 0) {
            throw new StudyDecodeException("empty record value (tombstone?)", true, null, null);
        }
        StudyEvent event;
        try {
            event = EventJson.read(value, StudyEvent.class);
        } catch (EventJson.InvalidEventException e) {
            throw new StudyDecodeException(e.getMessage(), true, null, e);
        }
        StudyImage image = event.image();
        byte[] png;
        try {
            png = image.pngBase64() != null ? image.inlinePng() : image.verify(fileBytes(event));
        } catch (IllegalArgumentException e) {
            throw new StudyDecodeException(e.getMessage(), true, event, e);
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new StudyDecodeException("undecodable image: " + e.getMessage(), true, event, e);
        }
        if (decoded == null) {
            throw new StudyDecodeException(
                    "undecodable image: not a PNG or other format ImageIO reads (" + png.length + " bytes)",
                    true,
                    event,
                    null);
        }
        return new DecodedStudy(event, toGrey8(decoded));
    }

    /** The bytes of a by-reference image, read from its {@code uri}. */
    private static byte[] fileBytes(StudyEvent event) throws StudyDecodeException {
        StudyImage image = event.image();
        Path path;
        try {
            URI uri = URI.create(image.uri());
            if (uri.getScheme() == null) {
                path = Path.of(image.uri());
            } else if ("file".equals(uri.getScheme())) {
                path = Path.of(uri);
            } else {
                throw new StudyDecodeException(
                        "image.uri scheme '" + uri.getScheme() + "' is not supported (file only)", true, event, null);
            }
        } catch (IllegalArgumentException e) {
            throw new StudyDecodeException("image.uri is not a URI: " + image.uri(), true, event, e);
        }
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new StudyDecodeException("image file not found: " + path, false, event, e);
        } catch (IOException e) {
            throw new StudyDecodeException("cannot read image file " + path + ": " + e.getMessage(), false, event, e);
        }
    }

    static BufferedImage toGrey8(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return image;
        }
        BufferedImage grey = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return grey;
    }
}
