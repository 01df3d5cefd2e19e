package org.cxrplatform.devstack.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleStudiesTest {

    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesIdenticalFilesAndOtherSeedsDiffer() throws Exception {
        List<SampleStudies.Sample> a = SampleStudies.write(tmp.resolve("a"), 7);
        List<SampleStudies.Sample> b = SampleStudies.write(tmp.resolve("b"), 7);
        List<SampleStudies.Sample> c = SampleStudies.write(tmp.resolve("c"), 8);
        for (int i = 0; i < a.size(); i++) {
            assertThat(Files.readAllBytes(a.get(i).file()))
                    .isEqualTo(Files.readAllBytes(b.get(i).file()));
            assertThat(a.get(i).sopInstanceUid()).isNotEqualTo(c.get(i).sopInstanceUid());
        }
        assertThat(Files.readAllBytes(
                        SampleStudies.writeFrontalChest(tmp.resolve("d"), 7).file()))
                .as("the first sample written alone")
                .isEqualTo(Files.readAllBytes(a.get(0).file()));
    }

    @Test
    void coversWhatRoutersSend() throws Exception {
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp, SampleStudies.DEFAULT_SEED);
        assertThat(samples.stream().map(SampleStudies.Sample::modality).collect(Collectors.toSet()))
                .contains("CR", "DX");
        assertThat(samples.stream().map(SampleStudies.Sample::photometric).collect(Collectors.toSet()))
                .contains("MONOCHROME1", "MONOCHROME2");
        assertThat(samples.stream().map(SampleStudies.Sample::viewPosition).collect(Collectors.toSet()))
                .contains("PA", "AP", "LATERAL");
        assertThat(samples).anyMatch(SampleStudies.Sample::stat);
        assertThat(samples).anyMatch(s -> "HAND".equals(s.bodyPart()));
        assertThat(samples.stream()
                        .mapToInt(SampleStudies.Sample::bitsStored)
                        .min()
                        .getAsInt())
                .isGreaterThanOrEqualTo(12);
        assertThat(samples.stream()
                        .mapToInt(SampleStudies.Sample::bitsStored)
                        .max()
                        .getAsInt())
                .isEqualTo(16);
        boolean voiLut = false;
        for (SampleStudies.Sample s : samples) {
            assertThat(Files.size(s.file())).isLessThan(1_000_000);
            AttributeList list = new AttributeList();
            list.read(s.file().toFile());
            assertThat(Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID))
                    .isEqualTo(s.studyInstanceUid());
            assertThat(Attribute.getSingleStringValueOrNull(list, TagFromName.AccessionNumber))
                    .isEqualTo(s.accessionNumber());
            assertThat(Attribute.getSingleStringValueOrNull(list, TagFromName.Modality))
                    .isEqualTo(s.modality());
            assertThat(Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0))
                    .isEqualTo(600);
            assertThat(s.studyInstanceUid()).matches("2\\.25\\.[0-9]+").hasSizeLessThanOrEqualTo(64);
            SequenceAttribute seq = (SequenceAttribute) list.get(TagFromName.VOILUTSequence);
            voiLut |= seq != null && seq.getNumberOfItems() == 1;
            if (s.stat()) {
                assertThat(Attribute.getSingleStringValueOrNull(list, new AttributeTag(0x0040, 0x1003)))
                        .isEqualTo("STAT");
            }
        }
        assertThat(voiLut).isTrue();
    }

    @Test
    void lungFieldsAreDarkerThanMediastinum() throws Exception {
        SampleStudies.Sample pa = SampleStudies.write(tmp, 1).get(0);
        AttributeList list = new AttributeList();
        list.read(pa.file().toFile());
        short[] px = list.get(TagFromName.PixelData).getShortValues();
        int lung = px[300 * 512 + 150] & 0xffff;
        int mediastinum = px[300 * 512 + 256] & 0xffff;
        int air = px[5 * 512 + 5] & 0xffff;
        assertThat(lung).isLessThan(mediastinum);
        assertThat(air).isLessThan(lung);
    }

    @Test
    void transcodesIntoCompressedSyntaxes() throws Exception {
        SampleStudies.Sample pa = SampleStudies.write(tmp, 1).get(0);
        for (SampleTranscoder.Syntax syntax : Set.of(
                SampleTranscoder.Syntax.JPEG_LOSSLESS,
                SampleTranscoder.Syntax.JPEG_LS,
                SampleTranscoder.Syntax.RLE,
                SampleTranscoder.Syntax.IMPLICIT_LE,
                SampleTranscoder.Syntax.DEFLATE)) {
            assumeTrue(SampleTranscoder.available(syntax), syntax.tool + " not installed");
            Path out = SampleTranscoder.transcode(pa.file(), syntax, tmp.resolve("ts"));
            AttributeList list = new AttributeList();
            list.read(out.toFile(), TagFromName.PixelData);
            assertThat(Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID))
                    .as(syntax.name())
                    .isEqualTo(syntax.uid);
            assertThat(Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID))
                    .isEqualTo(pa.sopInstanceUid());
        }
    }
}
