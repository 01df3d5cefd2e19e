package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportTextTest {

    @Test
    void removesNulAndOtherControlCharactersButKeepsLineBreaksAndTabs() {
        assertThat(ReportText.clean("No\u0000 pneumo\u0007thorax.\u007f\nLine\ttwo\r\n\ufffd"))
                .isEqualTo("No pneumothorax.\nLine\ttwo\r\n\ufffd");
    }

    @Test
    void cleanTextIsReturnedAsItIs() {
        String text = "Heart size is normal.";
        assertThat(ReportText.clean(text)).isSameAs(text);
        assertThat(ReportText.clean(null)).isEmpty();
    }
}
