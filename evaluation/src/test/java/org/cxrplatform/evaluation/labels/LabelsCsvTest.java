package org.cxrplatform.evaluation.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cxrplatform.contracts.findings.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsCsvTest {

    @TempDir
    Path dir;

    @Test
    void readsCheXpertStyleWithQuotesAndPandasFloats() throws Exception {
        Path csv = dir.resolve("valid.csv");
        Files.writeString(
                csv,
                "Path,Sex,Age,Frontal/Lateral,No Finding,Cardiomegaly,Edema,Pleural Effusion,\"Pneumothorax\"\r\n"
                        + "CheXpert-v1.0/valid/patient1/study1/view1_frontal.jpg,Male,68,Frontal,,1.0,0.0,-1.0,\r\n"
                        + "\"CheXpert-v1.0/valid/patient2/study1/view1,frontal.jpg\",Female,87,Frontal,1.0,,,0,1\r\n");
        LabelsCsv.Labels labels = LabelsCsv.read(csv);
        assertThat(labels.keyColumn()).isEqualTo("path");
        assertThat(labels.findingColumns())
                .containsExactly(
                        Finding.CARDIOMEGALY, Finding.PULMONARY_EDEMA, Finding.PLEURAL_EFFUSION, Finding.PNEUMOTHORAX);
        LabelledStudy first = labels.studies().get(0);
        assertThat(first.label(Finding.CARDIOMEGALY)).isEqualTo(GroundTruth.POSITIVE);
        assertThat(first.label(Finding.PULMONARY_EDEMA)).isEqualTo(GroundTruth.NEGATIVE);
        assertThat(first.label(Finding.PLEURAL_EFFUSION)).isEqualTo(GroundTruth.UNCERTAIN);
        assertThat(first.label(Finding.PNEUMOTHORAX)).isEqualTo(GroundTruth.BLANK);
        LabelledStudy second = labels.studies().get(1);
        assertThat(second.id()).isEqualTo("CheXpert-v1.0/valid/patient2/study1/view1,frontal.jpg");
        assertThat(second.label(Finding.PNEUMOTHORAX)).isEqualTo(GroundTruth.POSITIVE);
        assertThat(second.label(Finding.ATELECTASIS)).isEqualTo(GroundTruth.BLANK);
    }

    @Test
    void prefersDicomIdOverStudyIdInMimicFiles() throws Exception {
        Path csv = dir.resolve("mimic.csv");
        Files.writeString(csv, "subject_id,study_id,dicom_id,Atelectasis\n10000032,50414267,02aa804e-bde0afdd,1\n");
        assertThat(LabelsCsv.read(csv).keyColumn()).isEqualTo("dicom_id");
    }

    @Test
    void refusesBadCellsDuplicatesAndMissingColumns() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "dicom_id,Edema\na,2\n");
        assertThatThrownBy(() -> LabelsCsv.read(bad))
                .hasMessageContaining("line 2")
                .hasMessageContaining("'Edema'")
                .hasMessageContaining("not '2'");
        Path dup = dir.resolve("dup.csv");
        Files.writeString(dup, "dicom_id,Edema\na,1\na,0\n");
        assertThatThrownBy(() -> LabelsCsv.read(dup)).hasMessageContaining("duplicate dicom_id 'a'");
        Path noKey = dir.resolve("nokey.csv");
        Files.writeString(noKey, "file,Edema\na,1\n");
        assertThatThrownBy(() -> LabelsCsv.read(noKey)).hasMessageContaining("no key column");
        Path noFinding = dir.resolve("nofinding.csv");
        Files.writeString(noFinding, "dicom_id,Fracture\na,1\n");
        assertThatThrownBy(() -> LabelsCsv.read(noFinding)).hasMessageContaining("no finding column");
    }
}
