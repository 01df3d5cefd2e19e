package org.cxrplatform.evaluation.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIndexTest {

    @TempDir
    Path root;

    private Path touch(String rel) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
        return p;
    }

    @Test
    void matchesCheXpertPathsByTheirLongestTailUnderTheFolder() throws Exception {
        Path frontal = touch("valid/patient64541/study1/view1_frontal.jpg");
        touch("valid/patient64542/study1/view1_frontal.jpg");
        ImageIndex index = ImageIndex.scan(root);
        assertThat(index.find("path", "CheXpert-v1.0-small/valid/patient64541/study1/view1_frontal.jpg"))
                .contains(frontal);
        // an ambiguous bare file name is not guessed
        assertThat(index.find("path", "elsewhere/view1_frontal.jpg")).isEmpty();
        assertThat(index.relative(frontal)).isEqualTo("valid/patient64541/study1/view1_frontal.jpg");
    }

    @Test
    void matchesMimicDicomIdsAndStudies() throws Exception {
        Path lateral = touch("files/p10/p10000032/s50414267/174413ec-4ec4c1f7.jpg");
        Path pa = touch("files/p10/p10000032/s50414267/02aa804e-bde0afdd.jpg");
        ImageIndex index = ImageIndex.scan(root);
        assertThat(index.find("dicom_id", "174413ec-4ec4c1f7")).contains(lateral);
        assertThat(index.find("study_id", "50414267")).contains(pa); // first in path order
        Path meta = root.resolve("meta.csv");
        Files.writeString(
                meta,
                "dicom_id,subject_id,study_id,ViewPosition\n02aa804e-bde0afdd,10000032,50414267,LATERAL\n"
                        + "174413ec-4ec4c1f7,10000032,50414267,PA\n");
        index.preferViews(meta);
        assertThat(index.find("study_id", "50414267")).contains(lateral); // the PA view
        assertThat(index.find("study_id", "99999999")).isEmpty();
    }
}
