package org.cxrplatform.ingest.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.devstack.samples.SampleTranscoder.Syntax;
import org.cxrplatform.ingest.decode.DecoderPool;
import org.cxrplatform.ingest.support.DecoderWorkers;
import org.cxrplatform.ingest.support.TestConfig;
import org.cxrplatform.llava.image.CxrPreprocessor;
import org.cxrplatform.testsupport.Dcmtk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GreyscaleRendererTest {

    @TempDir
    static Path tmp;

    static List<SampleStudies.Sample> samples;
    static DecoderPool decoders;
    static GreyscaleRenderer renderer;

    @BeforeAll
    static void samples() {
        samples = SampleStudies.write(tmp.resolve("samples"), SampleStudies.DEFAULT_SEED);
        decoders = DecoderWorkers.start(tmp.resolve("decoders"));
        renderer = new GreyscaleRenderer(TestConfig.defaults().render(), decoders);
    }

    @AfterAll
    static void stopDecoders() {
        decoders.close();
    }

    static int[] pixels(RenderedImage r) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.png()));
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        return img.getRaster().getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
    }

    @Test
    void everySampleRendersAsALungFieldDarkerThanTheMediastinum() throws Exception {
        for (SampleStudies.Sample s : samples) {
            RenderedImage r = renderer.render(s.file());
            assertThat(r.width()).isEqualTo(512);
            assertThat(r.height()).isEqualTo(600);
            int[] px = pixels(r);
            if (s.frontalChest()) {
                int lung = px[300 * 512 + 150];
                int mediastinum = px[300 * 512 + 256];
                assertThat(lung).as(s.label() + " lung vs mediastinum").isLessThan(mediastinum - 40);
                assertThat(px[5 * 512 + 5]).as(s.label() + " air is dark").isLessThan(lung);
            }
        }
    }

    @Test
    void voiChoiceFollowsTheHeader() throws Exception {
        assertThat(renderer.render(samples.get(0).file()).voi()).isEqualTo("window");
        assertThat(renderer.render(samples.get(2).file()).voi())
                .isEqualTo("voi-lut"); // MONOCHROME1, VOI LUT + 2 windows
        assertThat(renderer.render(samples.get(3).file()).voi()).isEqualTo("window"); // rescale
        assertThat(renderer.render(samples.get(4).file()).voi()).isEqualTo("percentile"); // signed, no window
    }

    @ParameterizedTest
    @EnumSource(value = Syntax.class)
    void compressedSyntaxesRenderLikeTheOriginal(Syntax syntax) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(SampleTranscoder.available(syntax));
        for (SampleStudies.Sample s : samples) {
            if (syntax == Syntax.JPEG_EXTENDED_12BIT && s.bitsStored() > 12) {
                continue; // JPEG extended carries at most 12 bits
            }
            Path encoded = SampleTranscoder.transcode(s.file(), syntax, tmp.resolve(syntax.name()));
            RenderedImage original = renderer.render(s.file());
            RenderedImage r = renderer.render(encoded);
            int[] a = pixels(original);
            int[] b = pixels(r);
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                diff += Math.abs(a[i] - b[i]);
            }
            diff /= a.length;
            String expected = switch (syntax) {
                case EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE, DEFLATE -> "native";
                case JPEG_LS, JPEG_EXTENDED_12BIT -> "gdcm"; // beyond PixelMed's ImageIO codecs: a decoder worker
                case JPEG2000 -> "gdcm"; // OpenJPEG in a decoder worker first: faster than PixelMed's Java codec
                default -> "pixelmed";
            };
            assertThat(r.decoder()).as(s.label() + " " + syntax).startsWith(expected);
            boolean lossy = syntax == Syntax.JPEG_EXTENDED_12BIT;
            assertThat(diff)
                    .as(s.label() + " " + syntax + " via " + r.decoder())
                    .isLessThanOrEqualTo(lossy ? 3.0 : 0.0);
        }
    }

    @Test
    void eightBitJpegBaselineDecodes() throws Exception {
        // An 8-bit version of the PA sample, as a router would forward a secondary-capture-like CR.
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        list.read(samples.get(0).file().toFile());
        short[] words = list.get(com.pixelmed.dicom.TagFromName.PixelData).getShortValues();
        byte[] bytes = new byte[words.length];
        for (int i = 0; i < words.length; i++) {
            bytes[i] = (byte) ((words[i] & 0xffff) >> 4);
        }
        com.pixelmed.dicom.OtherByteAttribute px =
                new com.pixelmed.dicom.OtherByteAttribute(com.pixelmed.dicom.TagFromName.PixelData);
        px.setValues(bytes);
        list.put(px);
        for (var t : new com.pixelmed.dicom.AttributeTag[] {
            com.pixelmed.dicom.TagFromName.BitsAllocated, com.pixelmed.dicom.TagFromName.BitsStored
        }) {
            list.putNewAttribute(t).addValue(8);
        }
        list.putNewAttribute(com.pixelmed.dicom.TagFromName.HighBit).addValue(7);
        list.remove(com.pixelmed.dicom.TagFromName.WindowCenter);
        list.remove(com.pixelmed.dicom.TagFromName.WindowWidth);
        Path eight = tmp.resolve("eight.dcm");
        list.write(eight.toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        Path jpeg = tmp.resolve("eight-baseline.dcm");
        Dcmtk.Result compressed = Dcmtk.run(List.of("dcmcjpeg", "+eb", "+un", eight.toString(), jpeg.toString()), 60);
        assertThat(compressed.exitCode()).as(compressed.output()).isZero();
        int[] a = pixels(renderer.render(eight));
        RenderedImage r = renderer.render(jpeg);
        int[] b = pixels(r);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff += Math.abs(a[i] - b[i]);
        }
        assertThat(diff / a.length).as("lossy baseline via " + r.decoder()).isLessThan(3.0);
        assertThat(r.voi()).isEqualTo("percentile");
    }

    @Test
    void downscalesTheLongestEdge() throws Exception {
        GreyscaleRenderer small = new GreyscaleRenderer(TestConfig.defaults().render(), 300, decoders);
        RenderedImage r = small.render(samples.get(0).file());
        assertThat(r.height()).isEqualTo(300);
        assertThat(r.width()).isEqualTo(256);
    }

    @Test
    void aFullSizeImageReachesTheModelBitIdenticalToTheReferencesPreprocessing() throws Exception {
        SampleStudies.Sample big = SampleStudies.writeFullSizeChest(tmp.resolve("fullsize"), 7, 1250, 1024);
        RenderedImage ours = renderer.render(big.file());
        assertThat(ours.width()).isEqualTo(625); // shortest edge to 512, the other int(512 * 1250 / 1024)
        assertThat(ours.height()).isEqualTo(512);
        GreyscaleRenderer fullResolution = new GreyscaleRenderer(
                TestConfig.of(Map.of(
                                "cxr.ingest.render.model-edge", "4096",
                                "cxr.ingest.render.max-edge", "4096",
                                "cxr.ingest.render.max-inline-bytes", "100000000"))
                        .render(),
                decoders);
        RenderedImage full = fullResolution.render(big.file());
        assertThat(full.width()).isEqualTo(1250);
        byte[] fullPixels = bytes(full);
        // The reference resizes the full-resolution 8-bit image; ingest did that resize at the source...
        assertThat(bytes(ours))
                .isEqualTo(CxrPreprocessor.resizeShortestEdge(fullPixels, 1250, 1024, 512)
                        .pixels());
        // ...so the inference service's preprocessing of what ingest sends is the reference's of the full image.
        CxrPreprocessor model = new CxrPreprocessor(512, 0.55f, 0.38f);
        assertThat(model.resizeAndCrop(bytes(ours), 625, 512)).isEqualTo(model.resizeAndCrop(fullPixels, 1250, 1024));
    }

    static byte[] bytes(RenderedImage r) throws Exception {
        int[] px = pixels(r);
        byte[] out = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = (byte) px[i];
        }
        return out;
    }

    @Test
    void refusesAbsurdDimensionsBeforeDecoding() {
        assertThatThrownBy(() -> renderer.checkDimensions(100_000, 100_000, 16))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("exceeds");
        assertThatThrownBy(() -> renderer.checkDimensions(0, 512, 16)).hasMessageContaining("0 rows");
    }

    @Test
    void percentileIgnoresOutliers() {
        int[] v = new int[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        v[0] = -30000;
        v[999] = 60000;
        int[] p = GreyscaleRenderer.percentiles(v, 0.005, 0.995);
        assertThat(p[0]).isBetween(1, 10);
        assertThat(p[1]).isBetween(990, 998);
    }
}
