package org.cxrplatform.evaluation.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationLogTest {

    @TempDir
    Path dir;

    private static Generated g(String id, String source) {
        return new Generated(id, id + ".png", source, "report of " + id, 16, 5, 1, 2, 3);
    }

    @Test
    void aTornLastLineIsDroppedAndTheRestKept() throws Exception {
        Path file = dir.resolve("generations.jsonl");
        try (GenerationLog log = GenerationLog.open(file)) {
            log.append(List.of(g("a", "m1"), g("b", "m1")));
        }
        long clean = Files.size(file);
        Files.writeString(file, "{\"id\":\"c\",\"image\":\"c.p", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (GenerationLog log = GenerationLog.open(file)) {
            assertThat(log.done().keySet()).containsExactly("a", "b");
            assertThat(log.repairedBytes()).isGreaterThan(0);
            assertThat(Files.size(file)).isEqualTo(clean);
            log.append(List.of(g("c", "m1")));
        }
        try (GenerationLog log = GenerationLog.open(file)) {
            assertThat(log.done().keySet()).containsExactly("a", "b", "c");
            assertThat(log.done().get("c")).isEqualTo(g("c", "m1"));
            assertThat(log.repairedBytes()).isZero();
        }
    }

    @Test
    void aBadLineInTheMiddleIsAnError() throws Exception {
        Path file = dir.resolve("generations.jsonl");
        Files.writeString(file, "not json\n{\"id\":\"x\"}\n");
        assertThatThrownBy(() -> GenerationLog.open(file)).hasMessageContaining("line 1");
    }

    @Test
    void anotherModelsLogIsRefused() throws Exception {
        Path file = dir.resolve("generations.jsonl");
        try (GenerationLog log = GenerationLog.open(file)) {
            log.append(List.of(g("a", "model:one")));
        }
        try (GenerationLog log = GenerationLog.open(file)) {
            log.requireSource("model:one");
            assertThatThrownBy(() -> log.requireSource("model:two"))
                    .hasMessageContaining("model:one")
                    .hasMessageContaining("another --out");
        }
    }
}
