package org.cxrplatform.ingest.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cxrplatform.ingest.decode.DecoderPool;
import org.cxrplatform.ingest.support.DecoderWorkers;
import org.cxrplatform.ingest.support.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Colour instances become the grey Pillow's {@code convert("L")} makes of the same colours: the vectors in
 * {@code src/test/resources/colour} were made with Debian's python3-pil 9.4 ({@code make_vectors.py}). Lossless
 * paths must match exactly, lossy ones (JPEG baseline, irreversible JPEG 2000) within the codec's loss.
 */
class ColourToGreyTest {

    @TempDir
    static Path tmp;

    static DecoderPool decoders;
    static GreyscaleRenderer renderer;
    static BufferedImage rgb;
    static BufferedImage ycbcr;
    static BufferedImage palette;
    static int w;
    static int h;
    static int n;

    @BeforeAll
    static void vectors() throws Exception {
        rgb = png("rgb-in.png");
        ycbcr = png("ycbcr-in.png");
        palette = png("palette-in.png");
        w = rgb.getWidth();
        h = rgb.getHeight();
        n = w * h;
        decoders = DecoderWorkers.start(tmp.resolve("decoders"));
        renderer = new GreyscaleRenderer(TestConfig.defaults().render(), decoders);
    }

    @AfterAll
    static void stop() {
        decoders.close();
    }

    @Test
    void rgbIsPillowsLumaByPixelAndByPlane() throws Exception {
        byte[] interleaved = triplets(rgb);
        assertThat(grey(render(colour("rgb", "RGB", interleaved, 0)))).isEqualTo(expected("rgb-L.png"));
        assertThat(grey(render(colour("rgb-planar", "RGB", planar(interleaved), 1))))
                .isEqualTo(expected("rgb-L.png"));
    }

    @Test
    void ybrFullIsItsY() throws Exception {
        assertThat(grey(render(colour("ybr", "YBR_FULL", triplets(ycbcr), 0)))).isEqualTo(expected("ycbcr-L.png"));
    }

    @Test
    void ybrFull422IsItsY() throws Exception {
        // PS3.3 C.7.6.3.1.2: Y1 Y2 Cb Cr for each horizontal pair; chroma averaged over the pair
        int pairs = (w + 1) / 2;
        byte[] data = new byte[h * pairs * 4];
        for (int y = 0; y < h; y++) {
            for (int p = 0; p < pairs; p++) {
                int x0 = 2 * p;
                int x1 = Math.min(x0 + 1, w - 1);
                int a = ycbcr.getRGB(x0, y);
                int b = ycbcr.getRGB(x1, y);
                int at = (y * pairs + p) * 4;
                data[at] = (byte) (a >> 16);
                data[at + 1] = (byte) (x0 + 1 < w ? b >> 16 : 0);
                data[at + 2] = (byte) ((((a >> 8) & 0xff) + ((b >> 8) & 0xff)) / 2);
                data[at + 3] = (byte) (((a & 0xff) + (b & 0xff)) / 2);
            }
        }
        assertThat(grey(render(colour("ybr422", "YBR_FULL_422", data, 0)))).isEqualTo(expected("ycbcr-L.png"));
    }

    @Test
    void paletteColourGoesThroughItsLutsThenLuma() throws Exception {
        assertThat(grey(render(paletteInstance("palette", 256)))).isEqualTo(expected("palette-L.png"));
    }

    @Test
    void aPaletteShorterThanItsDescriptorIsRefusedByName() throws Exception {
        Path bad = paletteInstance("short-palette", 100);
        assertThatThrownBy(() -> renderer.render(bad)).isInstanceOfSatisfying(RenderException.class, e -> {
            assertThat(e.code()).isEqualTo("palette");
            assertThat(e.getMessage()).contains("Red palette holds 100 entries, its descriptor declares 256");
        });
    }

    @Test
    void losslessJpeg2000OfRgbMatchesExactly() throws Exception {
        Path j2k = transcode(colour("rgb-j2k", "RGB", triplets(rgb), 0), "gdcmconv", "--j2k");
        RenderedImage r = render(j2k);
        assertThat(grey(r)).isEqualTo(expected("rgb-L.png"));
        assertThat(r.voi()).isEqualTo("colour");
    }

    @Test
    void lossyCodecsOfRgbStayWithinTheirLoss() throws Exception {
        Path source = colour("rgb-lossy", "RGB", triplets(rgb), 0);
        int[] want = expected("rgb-L.png");
        for (Path lossy : new Path[] {
            transcode(source, "dcmcjpeg", "+eb"), // JPEG baseline, YBR_FULL_422
            transcode(source, "gdcmconv", "--j2k", "--irreversible")
        }) { // JPEG 2000 irreversible (YBR_ICT)
            int[] got = grey(render(lossy));
            double diff = 0;
            for (int i = 0; i < n; i++) {
                diff += Math.abs(got[i] - want[i]);
            }
            assertThat(diff / n)
                    .as(lossy.getFileName() + " " + photometric(lossy))
                    .isLessThan(4.0);
        }
    }

    // --- instances ---

    static Path colour(String name, String photometric, byte[] pixels, int planar) throws Exception {
        AttributeList list = base(3, photometric);
        list.putNewAttribute(TagFromName.PlanarConfiguration).addValue(planar);
        OtherByteAttribute px = new OtherByteAttribute(TagFromName.PixelData);
        px.setValues(pixels);
        list.put(px);
        return write(list, name);
    }

    static Path paletteInstance(String name, int redEntries) throws Exception {
        IndexColorModel cm = (IndexColorModel) palette.getColorModel();
        AttributeList list = base(1, "PALETTE COLOR");
        int[] indices = palette.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
        byte[] px = new byte[n];
        for (int i = 0; i < n; i++) {
            px[i] = (byte) indices[i];
        }
        OtherByteAttribute data = new OtherByteAttribute(TagFromName.PixelData);
        data.setValues(px);
        list.put(data);
        byte[][] channels = new byte[3][256];
        cm.getReds(channels[0]);
        cm.getGreens(channels[1]);
        cm.getBlues(channels[2]);
        AttributeTag[][] tags = {
            {TagFromName.RedPaletteColorLookupTableDescriptor, TagFromName.RedPaletteColorLookupTableData},
            {TagFromName.GreenPaletteColorLookupTableDescriptor, TagFromName.GreenPaletteColorLookupTableData},
            {TagFromName.BluePaletteColorLookupTableDescriptor, TagFromName.BluePaletteColorLookupTableData}
        };
        for (int c = 0; c < 3; c++) {
            Attribute descriptor = new com.pixelmed.dicom.UnsignedShortAttribute(tags[c][0]);
            descriptor.addValue(256);
            descriptor.addValue(0);
            descriptor.addValue(16);
            list.put(descriptor);
            int entries = c == 0 ? redEntries : 256;
            short[] words = new short[entries];
            for (int i = 0; i < entries; i++) {
                words[i] = (short) ((channels[c][i] & 0xff) * 257); // 16-bit entries, as most writers store them
            }
            OtherWordAttribute lut = new OtherWordAttribute(tags[c][1]);
            lut.setValues(words);
            list.put(lut);
        }
        return write(list, name);
    }

    static AttributeList base(int samples, String photometric) throws Exception {
        AttributeList list = new AttributeList();
        list.putNewAttribute(TagFromName.SOPClassUID).addValue(SOPClass.SecondaryCaptureImageStorage);
        list.putNewAttribute(TagFromName.SOPInstanceUID).addValue("2.25.14" + System.nanoTime());
        list.putNewAttribute(TagFromName.StudyInstanceUID).addValue("2.25.1414");
        list.putNewAttribute(TagFromName.SeriesInstanceUID).addValue("2.25.141414");
        list.putNewAttribute(TagFromName.Modality).addValue("DX");
        list.putNewAttribute(TagFromName.Rows).addValue(h);
        list.putNewAttribute(TagFromName.Columns).addValue(w);
        list.putNewAttribute(TagFromName.SamplesPerPixel).addValue(samples);
        list.putNewAttribute(TagFromName.PhotometricInterpretation).addValue(photometric);
        list.putNewAttribute(TagFromName.BitsAllocated).addValue(8);
        list.putNewAttribute(TagFromName.BitsStored).addValue(8);
        list.putNewAttribute(TagFromName.HighBit).addValue(7);
        list.putNewAttribute(TagFromName.PixelRepresentation).addValue(0);
        return list;
    }

    static Path write(AttributeList list, String name) throws Exception {
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "CXRTEST");
        Path file = tmp.resolve(name + ".dcm");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return file;
    }

    static Path transcode(Path in, String... tool) throws Exception {
        Path out = tmp.resolve(in.getFileName() + "." + tool[0] + tool.length + ".dcm");
        String[] cmd = java.util.Arrays.copyOf(tool, tool.length + 2);
        cmd[tool.length] = in.toString();
        cmd[tool.length + 1] = out.toString();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + output).isZero();
        return out;
    }

    static String photometric(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        return Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation);
    }

    // --- pixels ---

    static RenderedImage render(Path file) throws Exception {
        RenderedImage r = renderer.render(file);
        assertThat(r.width()).isEqualTo(w);
        assertThat(r.height()).isEqualTo(h);
        return r;
    }

    static BufferedImage png(String name) throws Exception {
        try (InputStream in = ColourToGreyTest.class.getResourceAsStream("/colour/" + name)) {
            return ImageIO.read(in);
        }
    }

    static int[] expected(String name) throws Exception {
        BufferedImage img = png(name);
        return img.getRaster().getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
    }

    static int[] grey(RenderedImage r) throws Exception {
        BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(r.png()));
        return img.getRaster().getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
    }

    static byte[] triplets(BufferedImage img) {
        byte[] out = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            int argb = img.getRGB(i % w, i / w);
            out[3 * i] = (byte) (argb >> 16);
            out[3 * i + 1] = (byte) (argb >> 8);
            out[3 * i + 2] = (byte) argb;
        }
        return out;
    }

    static byte[] planar(byte[] interleaved) {
        byte[] out = new byte[interleaved.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[c * n + i] = interleaved[3 * i + c];
            }
        }
        return out;
    }
}
