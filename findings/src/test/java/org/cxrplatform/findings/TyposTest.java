package org.cxrplatform.findings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TyposTest {

    @Test
    void oneInsertionDeletionSubstitutionOrSwapIsRepaired() {
        assertThat(Typos.repair("mild cardiomegally")).isEqualTo("mild cardiomegaly");
        assertThat(Typos.repair("bibasilar atelectsis")).isEqualTo("bibasilar atelectasis");
        assertThat(Typos.repair("no focal consolodation")).isEqualTo("no focal consolidation");
        assertThat(Typos.repair("small pneumothroax")).isEqualTo("small pneumothorax");
        assertThat(Typos.repair("small efusion")).isEqualTo("small effusion");
    }

    @Test
    void realWordsAndShortWordsAreLeftAlone() {
        String text =
                "infusion diffusion confusion pneumonic effusive consolidated consolidating atelectases pneumonias "
                        + "edema adema pulmonic emphysema";
        assertThat(Typos.repair(text)).isEqualTo(text);
    }

    @Test
    void twoEditsAreNotOne() {
        assertThat(Typos.withinOneEdit("pneumothorax", "pneumothorax")).isTrue();
        assertThat(Typos.withinOneEdit("pnuemothorax", "pneumothorax")).isTrue();
        assertThat(Typos.withinOneEdit("pnuemothroax", "pneumothorax")).isFalse();
        assertThat(Typos.withinOneEdit("infusion", "effusion")).isFalse();
    }
}
