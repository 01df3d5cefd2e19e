package org.cxrplatform.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliHelpTest {

    @Test
    void helpListsTheOptionsWithoutPicocliWarnings() {
        Cli.Result r = Cli.run("evaluate", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout())
                .contains(
                        "--model=DIR",
                        "--images=DIR",
                        "--labels=CSV",
                        "--out=DIR",
                        "--batch",
                        "--uncertain",
                        "--reports=JSONL",
                        "--bootstrap",
                        "--seed",
                        "--dataset=NAME",
                        "95 % bootstrap");
        assertThat(r.stderr()).doesNotContain("WARN");
    }

    @Test
    void badInputIsAMessageNotAStackTrace() {
        Cli.Result r = Cli.run(
                "evaluate",
                "--reports",
                "/nonexistent/reports.jsonl",
                "--labels",
                "/nonexistent/labels.csv",
                "--out",
                System.getProperty("java.io.tmpdir") + "/never-used");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("error: no such file: /nonexistent/labels.csv" + System.lineSeparator());
    }
}
