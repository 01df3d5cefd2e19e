package org.cxrplatform.ingest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.devstack.samples.SampleTranscoder.Syntax;

/**
 * Malformed instances built from valid ones (issue 14): a frontal chest sample in every transfer syntax the SCP
 * accepts, each relabelled as a frontal chest DX (so it reaches the decoders) with its own Study and SOP Instance
 * UIDs (so every outcome can be traced to one instance), then mutated: header values (rows, columns, bits
 * allocated/stored, samples per pixel, photometric interpretation, number of frames, pixel representation, window)
 * with DCMTK's {@code dcmodify}, and bytes (truncation, noise in the pixel data, absurd length fields) in Java.
 * The unmutated relabelled instances and the JPEG 2000 native-crash input are part of it. Deterministic per seed.
 */
public final class FuzzCorpus {

    /** One file to send, with the storescu option proposing its syntax. */
    public record Instance(
            Path file, String name, Syntax syntax, String studyInstanceUid, String sopInstanceUid, String proposal) {}

    private static final String[][] HEADER_MUTATIONS = {
        {"rows-0", "(0028,0010)=0"},
        {"rows-1", "(0028,0010)=1"},
        {"rows-65535", "(0028,0010)=65535"},
        {"rows-plus-1", "(0028,0010)=601"},
        {"rows-half", "(0028,0010)=300"},
        {"columns-0", "(0028,0011)=0"},
        {"columns-1", "(0028,0011)=1"},
        {"columns-65535", "(0028,0011)=65535"},
        {"columns-plus-1", "(0028,0011)=513"},
        {"columns-half", "(0028,0011)=256"},
        {"bits-allocated-0", "(0028,0100)=0"},
        {"bits-allocated-1", "(0028,0100)=1"},
        {"bits-allocated-8", "(0028,0100)=8"},
        {"bits-allocated-12", "(0028,0100)=12"},
        {"bits-allocated-32", "(0028,0100)=32"},
        {"bits-stored-0", "(0028,0101)=0"},
        {"bits-stored-1", "(0028,0101)=1"},
        {"bits-stored-17", "(0028,0101)=17"},
        {"samples-0", "(0028,0002)=0"},
        {"samples-3", "(0028,0002)=3"},
        {"samples-4", "(0028,0002)=4"},
        {"photometric-rgb", "(0028,0004)=RGB"},
        {"photometric-ybr-full", "(0028,0004)=YBR_FULL"},
        {"photometric-palette", "(0028,0004)=PALETTE COLOR"},
        {"photometric-bogus", "(0028,0004)=MONOCHROME3"},
        {"rgb-3-samples", "(0028,0004)=RGB", "(0028,0002)=3"},
        {"frames-0", "(0028,0008)=0"},
        {"frames-2", "(0028,0008)=2"},
        {"frames-100000", "(0028,0008)=100000"},
        {"pixel-representation-1", "(0028,0103)=1"},
        {"pixel-representation-2", "(0028,0103)=2"},
        {"window-width-0", "(0028,1050)=100", "(0028,1051)=0"},
        {"window-width-negative", "(0028,1050)=100", "(0028,1051)=-5"},
        {"window-huge", "(0028,1050)=1e300", "(0028,1051)=1e300"},
        {"window-garbage", "(0028,1050)=abc", "(0028,1051)=\\\\"},
    };

    private FuzzCorpus() {}

    private static final String[] BYTE_MUTATIONS = {
        "truncated-in-header",
        "truncated-after-pixel-tag",
        "truncated-mid-pixels",
        "noise-16",
        "noise-4096",
        "absurd-length"
    };

    /**
     * Writes the corpus under {@code dir}; a few hundred files. DCMTK is run once per syntax and once per header
     * mutation (over that mutation's files in every syntax), so building takes seconds of tool time, not minutes.
     */
    public static List<Instance> build(Path dir, long seed) {
        try {
            Random random = new Random(seed);
            SampleStudies.Sample base =
                    SampleStudies.write(dir.resolve("base"), seed).get(0); // frontal chest CR, 12 bits
            Path corpus = Files.createDirectories(dir.resolve("corpus"));
            List<Syntax> syntaxes = java.util.Arrays.stream(Syntax.values())
                    .filter(SampleTranscoder::available)
                    .toList();
            List<Path> all = new ArrayList<>();
            java.util.Map<Path, Syntax> syntaxOf = new java.util.LinkedHashMap<>();
            java.util.Map<Path, String> byteMutationOf = new java.util.HashMap<>();
            List<List<Path>> byHeaderMutation = new ArrayList<>();
            for (int m = 0; m < HEADER_MUTATIONS.length; m++) {
                byHeaderMutation.add(new ArrayList<>());
            }
            for (Syntax syntax : syntaxes) {
                Path encoded = SampleTranscoder.transcode(base.file(), syntax, dir.resolve("encoded"));
                // frontal chest DX labels, so that every instance is selected and reaches the decoders
                Commands.run(List.of(
                        "dcmodify",
                        "-nb",
                        "-i",
                        "(0008,0060)=DX",
                        "-i",
                        "(0018,0015)=CHEST",
                        "-i",
                        "(0018,5101)=PA",
                        encoded.toString()));
                syntaxOf.put(copy(encoded, corpus, "valid-" + slug(syntax)), syntax);
                for (int m = 0; m < HEADER_MUTATIONS.length; m++) {
                    Path f = copy(encoded, corpus, HEADER_MUTATIONS[m][0] + "-" + slug(syntax));
                    syntaxOf.put(f, syntax);
                    byHeaderMutation.get(m).add(f);
                }
                for (String kind : BYTE_MUTATIONS) {
                    Path f = copy(encoded, corpus, kind + "-" + slug(syntax));
                    syntaxOf.put(f, syntax);
                    byteMutationOf.put(f, kind);
                }
            }
            Path crash = CrashInputs.jpeg2000WithColumnsOne(base.file(), dir.resolve("crash-source.dcm"));
            Commands.run(List.of(
                    "dcmodify",
                    "-nb",
                    "-i",
                    "(0008,0060)=DX",
                    "-i",
                    "(0018,0015)=CHEST",
                    "-i",
                    "(0018,5101)=PA",
                    crash.toString()));
            syntaxOf.put(copy(crash, corpus, "native-crash-jpeg2000-columns-1"), Syntax.JPEG2000);
            all.addAll(syntaxOf.keySet());
            for (int m = 0; m < HEADER_MUTATIONS.length; m++) {
                List<String> cmd = new ArrayList<>(List.of("dcmodify", "-nb"));
                for (int v = 1; v < HEADER_MUTATIONS[m].length; v++) {
                    cmd.add("-i"); // insert or modify
                    cmd.add(HEADER_MUTATIONS[m][v]);
                }
                byHeaderMutation.get(m).forEach(f -> cmd.add(f.toString()));
                Commands.run(cmd);
            }
            // A Study and SOP Instance UID of its own per file (dcmodify updates the meta header to match).
            List<String> uids = new ArrayList<>(List.of("dcmodify", "-nb", "-gst", "-gin"));
            all.forEach(f -> uids.add(f.toString()));
            Commands.run(uids);
            List<Instance> out = new ArrayList<>();
            for (Path f : all) {
                com.pixelmed.dicom.AttributeList header = new com.pixelmed.dicom.AttributeList();
                header.read(f.toFile(), com.pixelmed.dicom.TagFromName.PixelData);
                String study = com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(
                        header, com.pixelmed.dicom.TagFromName.StudyInstanceUID);
                String sop = com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(
                        header, com.pixelmed.dicom.TagFromName.SOPInstanceUID);
                Syntax syntax = syntaxOf.get(f);
                String kind = byteMutationOf.get(f);
                if (kind != null && !mutateBytes(f, kind, syntax, random)) {
                    Files.delete(f);
                    continue;
                }
                out.add(new Instance(
                        f,
                        f.getFileName().toString().replaceFirst("\\.dcm$", ""),
                        syntax,
                        study,
                        sop,
                        StorescuProposals.of(syntax)));
            }
            if (out.stream().map(Instance::studyInstanceUid).distinct().count() != out.size()) {
                throw new IllegalStateException("dcmodify -gst gave two instances the same Study Instance UID");
            }
            return out;
        } catch (IOException | com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException("cannot build the fuzz corpus", e);
        }
    }

    private static Path copy(Path source, Path corpus, String name) throws IOException {
        Path file = corpus.resolve(name + ".dcm");
        Files.copy(source, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** @return false when the mutation does not apply to this file (then it is left out) */
    private static boolean mutateBytes(Path file, String kind, Syntax syntax, Random random) {
        try {
            byte[] b = Files.readAllBytes(file);
            int tag = pixelDataTag(b, syntax);
            if (tag < 0 && !kind.equals("truncated-in-header")) {
                return false; // deflated data set: no Pixel Data tag to find in the bytes
            }
            byte[] out;
            switch (kind) {
                case "truncated-in-header" -> out = java.util.Arrays.copyOf(b, Math.min(b.length, 400));
                case "truncated-after-pixel-tag" -> out = java.util.Arrays.copyOf(b, tag + 8);
                case "truncated-mid-pixels" -> out = java.util.Arrays.copyOf(b, tag + (b.length - tag) / 2);
                case "noise-16", "noise-4096" -> {
                    out = b.clone();
                    int count = kind.equals("noise-16") ? 16 : 4096;
                    int start = tag + 32;
                    for (int i = 0; i < count && start < out.length; i++) {
                        out[start + random.nextInt(out.length - start)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                case "absurd-length" -> {
                    out = b.clone();
                    // the Pixel Data length, or for encapsulated data the first fragment's item length
                    boolean bigEndian = syntax == Syntax.EXPLICIT_BE;
                    int at = lengthOffset(out, tag, syntax);
                    writeInt(out, at, 0x7FFFFFF0, bigEndian);
                }
                default -> throw new IllegalArgumentException(kind);
            }
            Files.write(file, out);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int pixelDataTag(byte[] b, Syntax syntax) {
        byte[] le = {(byte) 0xE0, 0x7F, 0x10, 0x00};
        byte[] be = {0x7F, (byte) 0xE0, 0x00, 0x10};
        byte[] want = syntax == Syntax.EXPLICIT_BE ? be : le;
        for (int i = b.length - 4; i >= 132; i--) { // the last occurrence: Pixel Data is the last element
            if (b[i] == want[0] && b[i + 1] == want[1] && b[i + 2] == want[2] && b[i + 3] == want[3]) {
                return i;
            }
        }
        return -1;
    }

    private static int lengthOffset(byte[] b, int tag, Syntax syntax) {
        boolean implicit = syntax == Syntax.IMPLICIT_LE;
        int valueLength = implicit ? tag + 4 : tag + 8; // explicit OB/OW: tag, VR, 2 reserved bytes, 4-byte length
        boolean encapsulated = switch (syntax) {
            case EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE, DEFLATE -> false;
            default -> true;
        };
        if (!encapsulated) {
            return valueLength;
        }
        int offsetTable = valueLength + 4; // item tag FFFE,E000 then its length
        int tableLength = (b[offsetTable + 4] & 0xff)
                | (b[offsetTable + 5] & 0xff) << 8
                | (b[offsetTable + 6] & 0xff) << 16
                | (b[offsetTable + 7] & 0xff) << 24;
        return offsetTable + 8 + tableLength + 4; // first fragment's length
    }

    private static void writeInt(byte[] b, int at, int v, boolean bigEndian) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (bigEndian ? v >>> (24 - 8 * i) : v >>> (8 * i));
        }
    }

    private static String slug(Syntax syntax) {
        return syntax.name().toLowerCase().replace('_', '-');
    }
}
