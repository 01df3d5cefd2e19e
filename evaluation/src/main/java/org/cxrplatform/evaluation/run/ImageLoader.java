package org.cxrplatform.evaluation.run;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Reads an image file as the 8-bit greyscale picture the model takes.
 *
 * <p>8-bit grey PNG/JPEG (MIMIC-CXR-JPG, CheXpert) are used as they are; colour images whose
 * channels are equal use one channel, others are converted with ITU-R 601 luma
 * ({@code L = (299 R + 587 G + 114 B) / 1000}, as PIL's {@code convert("L")}).
 *
 * <p>DICOM files and 16-bit images are refused with {@link UnsupportedImageException}: turning
 * them into 8 bits needs the modality LUT, the VOI LUT or window and MONOCHROME1 inversion, which
 * the platform's ingest renderer does; re-implementing it here would evaluate different pixels
 * from the ones production feeds the model.
 */
public final class ImageLoader {

    private ImageLoader() {}

    public static final class UnsupportedImageException extends IOException {
        public UnsupportedImageException(String message) {
            super(message);
        }
    }

    public static boolean isDicom(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".dcm") || name.endsWith(".dicom")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        }
    }

    public static String dicomRefusal(Path file) {
        return file + " is a DICOM file. The model takes 8-bit greyscale pictures rendered with the modality LUT, "
                + "the VOI LUT/window and MONOCHROME1 inversion, which is the ingest renderer's job; this tool does not "
                + "re-implement it, so that the evaluation sees the same pixels as production. Render the DICOM files "
                + "to 8-bit PNG with the platform's ingest renderer, keeping their names, and point --images at those.";
    }

    public static BufferedImage readGrey8(Path file) throws IOException {
        if (isDicom(file)) {
            throw new UnsupportedImageException(dicomRefusal(file));
        }
        BufferedImage src = ImageIO.read(file.toFile());
        if (src == null) {
            throw new UnsupportedImageException(file + ": not an image ImageIO can read (PNG, JPEG, BMP, GIF)");
        }
        if (src.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return src;
        }
        if (src.getType() == BufferedImage.TYPE_USHORT_GRAY
                || src.getColorModel().getComponentSize(0) > 8) {
            throw new UnsupportedImageException(
                    file + ": " + src.getColorModel().getComponentSize(0)
                            + "-bit image; the model takes 8-bit greyscale (the reference refuses 16-bit input). "
                            + "Window it to 8 bits first (the ingest renderer does).");
        }
        int w = src.getWidth(), h = src.getHeight();
        BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((java.awt.image.DataBufferByte) grey.getRaster().getDataBuffer()).getData();
        Raster raster = src.getRaster();
        int bands = raster.getNumBands();
        int[] px = new int[bands];
        boolean indexed = src.getColorModel() instanceof java.awt.image.IndexColorModel;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v;
                if (indexed || bands >= 3) {
                    int rgb = src.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                    v = (r == g && g == b) ? r : (r * 299 + g * 587 + b * 114) / 1000;
                } else {
                    raster.getPixel(x, y, px);
                    v = px[0];
                }
                out[y * w + x] = (byte) v;
            }
        }
        return grey;
    }

    /** A down-scaled PNG of the picture for the HTML gallery (longest side at most {@code maxSide}). */
    public static byte[] thumbnailPng(BufferedImage grey, int maxSide) throws IOException {
        int w = grey.getWidth(), h = grey.getHeight();
        double scale = Math.min(1.0, (double) maxSide / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale)), th = Math.max(1, (int) Math.round(h * scale));
        BufferedImage thumb = new BufferedImage(tw, th, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = thumb.createGraphics();
        g.setRenderingHint(
                java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(grey, 0, 0, tw, th, null);
        g.dispose();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ImageIO.write(thumb, "png", bytes);
        return bytes.toByteArray();
    }
}
