package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every object of every scenario parses strictly (fabric8 models or the CRD schemas in the repo). */
class RenderedObjectsTest {

    @ParameterizedTest
    @EnumSource(Scenarios.class)
    void everyRenderedObjectIsAValidKubernetesObject(Scenarios scenario) {
        List<Chart.Obj> objects = scenario.objects();
        assertThat(objects).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Chart.Obj obj : objects) {
            try {
                StrictModels.metadata(obj);
                if (StrictModels.modelFor(obj.apiVersion(), obj.kind()).isPresent()) {
                    StrictModels.parse(obj);
                } else if (CrdSchemas.schemaFor(obj.apiVersion(), obj.kind()).isPresent()) {
                    Set<ValidationMessage> errors = CrdSchemas.validate(obj);
                    errors.forEach(e -> problems.add(obj.id() + ": " + e.getMessage()));
                } else {
                    problems.add(obj.id() + ": neither a fabric8 model nor a CRD schema covers this kind");
                }
            } catch (RuntimeException e) {
                problems.add(obj.id() + ": " + e.getMessage());
            }
        }
        assertThat(problems).as("objects rendered for %s", scenario.description).isEmpty();
    }

    /** deploy/rendered holds example output for readers; it must be what the chart renders today. */
    @Test
    void renderedExamplesInTheRepositoryAreCurrent() throws IOException {
        Path dir = Path.of(System.getProperty("cxr.rendered.dir", "rendered"));
        for (Scenarios s : List.of(Scenarios.DEFAULT, Scenarios.PRODUCTION)) {
            s.objects(); // renders (and, with -Dcxr.rendered.out, rewrites) the example
            Path file = dir.resolve(s.name().toLowerCase(java.util.Locale.ROOT) + ".yaml");
            assertThat(file)
                    .as("rendered example; regenerate as deploy/README.md says")
                    .exists();
            String committed = Files.readString(file);
            String body = committed.substring(committed.indexOf('\n') + 1);
            assertThat(body)
                    .as(file + " is stale: regenerate it as deploy/README.md says")
                    .isEqualTo(Files.readString(
                            Path.of("target", "rendered", file.getFileName().toString())));
        }
    }
}
