package org.cxrplatform.ingest.render;

import com.pixelmed.dicom.TransferSyntax;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Walks a Part 10 file's element and item headers, without reading any value, and refuses a
 * declared length larger than what is left in the file (codes {@code fragment-length},
 * {@code no-pixel-data} for a truncated native Pixel Data, {@code declared-length} otherwise). A decoder allocates a value's declared
 * length up front: an encapsulated Pixel Data fragment claiming 2 GB in a small file would be an
 * OutOfMemoryError (or a negative array size) before the truncation is noticed.
 *
 * <p>Explicit VR Little Endian data sets only (every encapsulated transfer syntax, and native
 * Explicit VR LE); others, files without a Part 10 preamble and anything the walk cannot follow
 * are left to the decoder, which reports truncation on its own. Stateless.
 */
final class DeclaredLengths {

    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_END = 0xFFFEE00D;
    private static final int SEQUENCE_END = 0xFFFEE0DD;
    /** VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
    private static final Set<String> LONG_VRS =
            Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

    private final FileChannel channel;
    private final long size;
    private long pos;

    private DeclaredLengths(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    /** @throws RenderException code {@code fragment-length} / {@code declared-length} naming the item or element */
    static void check(Path file) throws RenderException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            new DeclaredLengths(channel).walk();
        } catch (EOFException e) {
            // Truncated inside a header: the decoder says so with its own words.
        } catch (IOException e) {
            throw new RenderException("unreadable", "cannot read the data set: " + e.getMessage(), e);
        }
    }

    private void walk() throws IOException, RenderException {
        if (size < 132 || !"DICM".equals(text(128, 4))) {
            return;
        }
        pos = 132;
        String transferSyntax = null;
        while (pos + 8 <= size) {
            ByteBuffer b = read(pos, 8);
            if (b.getShort(0) != 0x0002) {
                break;
            }
            int tag = tag(b);
            long length = elementLength(b);
            remaining(length, "File Meta Information element " + hex(tag));
            if (tag == 0x00020010) {
                transferSyntax =
                        text(pos, (int) Math.min(length, 64)).replace("\0", "").trim();
            }
            pos += length;
        }
        if (transferSyntax == null
                || !(transferSyntax.equals(TransferSyntax.ExplicitVRLittleEndian)
                        || new TransferSyntax(transferSyntax).isEncapsulated())) {
            return;
        }
        elements(size, false);
    }

    /** Elements up to {@code end}, or up to an Item Delimitation Item when {@code inUndefinedItem}. */
    private void elements(long end, boolean inUndefinedItem) throws IOException, RenderException {
        while (pos < end) {
            ByteBuffer b = read(pos, 8);
            int tag = tag(b);
            if (tag == ITEM_END || tag == SEQUENCE_END) {
                pos += 8;
                if (inUndefinedItem) {
                    return;
                }
                continue;
            }
            String vr = new String(new byte[] {b.get(4), b.get(5)}, StandardCharsets.US_ASCII);
            long length = elementLength(b);
            if (length == UNDEFINED) {
                if (tag == PIXEL_DATA) {
                    fragments();
                } else if (vr.equals("SQ")) {
                    items(Long.MAX_VALUE);
                } else {
                    return; // UN of undefined length: implicit VR inside, not walked
                }
                continue;
            }
            if (tag == PIXEL_DATA && length > size - pos) {
                // The usual truncated transfer: same code as when the decoder finds no Pixel Data.
                throw new RenderException(
                        "no-pixel-data",
                        "Pixel Data (7FE0,0010) truncated: declares " + length + " bytes but only " + (size - pos)
                                + " remain in the file");
            }
            remaining(length, "element " + hex(tag) + " " + vr);
            if (vr.equals("SQ")) {
                items(pos + length);
            } else {
                pos += length;
            }
        }
    }

    /** Sequence items up to {@code end} (defined length) or the Sequence Delimitation Item. */
    private void items(long end) throws IOException, RenderException {
        while (pos < end) {
            long length = nextItem();
            if (length < 0) {
                return;
            }
            if (length == UNDEFINED) {
                elements(Long.MAX_VALUE, true);
            } else {
                remaining(length, "sequence item");
                elements(pos + length, false);
            }
        }
    }

    /** Encapsulated Pixel Data: item 0 is the Basic Offset Table, items 1.. the fragments. */
    private void fragments() throws IOException, RenderException {
        for (int item = 0; ; item++) {
            long length = nextItem();
            if (length < 0) {
                return;
            }
            if (length > size - pos) {
                throw new RenderException(
                        "fragment-length",
                        "Pixel Data "
                                + (item == 0
                                        ? "Basic Offset Table (item 0)"
                                        : "fragment " + item + " (item " + item + ")")
                                + " at byte " + (pos - 8) + " declares "
                                + length + " bytes but only " + (size - pos) + " remain in the file");
            }
            pos += length;
        }
    }

    /** The declared length of the item whose header is at {@code pos}, stepping past the header; -1 at the Sequence Delimitation Item. */
    private long nextItem() throws IOException {
        ByteBuffer b = read(pos, 8);
        int tag = tag(b);
        pos += 8;
        if (tag == SEQUENCE_END) {
            return -1;
        }
        if (tag != ITEM) {
            throw new EOFException("not an item"); // malformed: left to the decoder
        }
        return b.getInt(4) & UNDEFINED;
    }

    /** Length of the element whose 8 header bytes are in {@code b}; advances past the whole header. */
    private long elementLength(ByteBuffer b) throws IOException {
        String vr = new String(new byte[] {b.get(4), b.get(5)}, StandardCharsets.US_ASCII);
        if (LONG_VRS.contains(vr)) {
            long length = read(pos + 8, 4).getInt(0) & UNDEFINED;
            pos += 12;
            return length;
        }
        pos += 8;
        return b.getShort(6) & 0xFFFF;
    }

    private void remaining(long length, String what) throws RenderException {
        if (length > size - pos) {
            throw new RenderException(
                    "declared-length",
                    what + " at byte " + pos + " declares " + length + " bytes but only " + (size - pos)
                            + " remain in the file");
        }
    }

    private ByteBuffer read(long at, int n) throws IOException {
        if (at + n > size) {
            throw new EOFException();
        }
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw new EOFException();
            }
        }
        return b.flip();
    }

    private String text(long at, int n) throws IOException {
        return new String(read(at, n).array(), StandardCharsets.US_ASCII);
    }

    private static int tag(ByteBuffer b) {
        return (b.getShort(0) & 0xFFFF) << 16 | (b.getShort(2) & 0xFFFF);
    }

    private static String hex(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }
}
