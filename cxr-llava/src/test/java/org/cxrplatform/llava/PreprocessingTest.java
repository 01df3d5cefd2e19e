package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.cxrplatform.llava.image.CxrPreprocessor;
import org.cxrplatform.llava.image.PilLanczos;
import org.junit.jupiter.api.Test;

/**
 * Resize vectors made by Pillow 9.4 (src/test/resources/resize, see its README): odd sizes, up- and
 * down-scaling, one axis only, identity. Each must be bit-identical.
 */
class PreprocessingTest {

    private static BufferedImage resource(String name) throws IOException {
        try (InputStream in = PreprocessingTest.class.getResourceAsStream("/resize/" + name)) {
            return ImageIO.read(in);
        }
    }

    @Test
    void lanczosIsBitIdenticalToPillowOnEveryVector() throws IOException {
        JsonNode cases;
        try (InputStream in = PreprocessingTest.class.getResourceAsStream("/resize/cases.json")) {
            cases = new ObjectMapper().readTree(in);
        }
        assertThat(cases.size()).isGreaterThanOrEqualTo(9);
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            BufferedImage in = resource(name + "-in.png");
            BufferedImage out = resource(name + "-out.png");
            int w = c.get("out").get(0).asInt();
            int h = c.get("out").get(1).asInt();
            byte[] ours = PilLanczos.resize(CxrPreprocessor.greyPixels(in), in.getWidth(), in.getHeight(), w, h);
            assertThat(ours).as(name + " " + c).containsExactly(CxrPreprocessor.greyPixels(out));
        }
    }

    @Test
    void shortestEdgeBecomesImageSizeThenCentreCrop() {
        // 8 wide, 12 tall constant image → 4 wide, int(4*12/8)=6 tall, crop rows 1..4
        BufferedImage img = new BufferedImage(8, 12, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, y < 6 ? 10 : 200);
            }
        }
        CxrPreprocessor pre = new CxrPreprocessor(4, 0.5f, 0.25f);
        byte[] crop = pre.resizeAndCrop(CxrPreprocessor.greyPixels(img), 8, 12);
        assertThat(crop).hasSize(16);
        byte[] full = PilLanczos.resize(CxrPreprocessor.greyPixels(img), 8, 12, 4, 6);
        for (int i = 0; i < 16; i++) {
            assertThat(crop[i]).isEqualTo(full[4 + i]);
        }
        float[] px = pre.normalize(new byte[] {0, (byte) 255, (byte) 128});
        assertThat(px).containsExactly(-2f, 2f, (128f / 255f - 0.5f) / 0.25f);
    }

    @Test
    void pixelsOfASubImageAreItsOwn() throws IOException {
        BufferedImage full = resource("case1-in.png");
        BufferedImage sub = full.getSubimage(13, 7, 50, 40);
        byte[] px = CxrPreprocessor.greyPixels(sub);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 50; x++) {
                assertThat(px[y * 50 + x] & 0xff).isEqualTo(full.getRaster().getSample(13 + x, 7 + y, 0));
            }
        }
    }

    @Test
    void sixteenBitImagesAreRefused() {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_USHORT_GRAY);
        assertThatThrownBy(() -> CxrPreprocessor.greyPixels(img))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8-bit greyscale images only")
                .hasMessageContaining("16 bit");
    }

    @Test
    void colourImagesAreRefused() {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> CxrPreprocessor.greyPixels(img))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 channel(s)");
    }
}
