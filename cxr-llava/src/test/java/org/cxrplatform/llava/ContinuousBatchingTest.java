package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.RequestHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures through the continuous-batching path: a request's greedy ids are the
 * reference's whatever runs beside it and whenever it joins, with the KV cache on and off. Prompts
 * are prefilled in 48-position chunks (the fixtures' prompts take 104 and 1,112 positions), so
 * every run mixes prefill pieces and decode rows in one forward pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContinuousBatchingTest {

    private static final EngineConfig FOUR_SLOTS =
            EngineConfig.defaults().withMaxSlots(4).withPrefillChunk(48);

    private final Map<String, CxrLlava> models = new HashMap<>();

    @BeforeAll
    void load() {
        for (String name : List.of(Fixtures.TINY, Fixtures.TINY_512)) {
            models.put(name, CxrLlava.load(Fixtures.model(name), RuntimeOptions.cpu(), FOUR_SLOTS));
        }
    }

    @AfterAll
    void close() {
        models.values().forEach(CxrLlava::close);
    }

    static Stream<Arguments> fixturesWithCacheOnAndOff() {
        return Stream.of(Fixtures.TINY, Fixtures.TINY_512)
                .flatMap(name -> Stream.of(Arguments.of(name, true), Arguments.of(name, false)));
    }

    /** The fixture request and three others of different prompts and lengths. */
    private record Workload(
            GenerationRequest fixture, int fixtureTokens, List<GenerationRequest> others, List<Integer> otherTokens) {}

    private static Workload workload(String name) {
        BufferedImage input = Fixtures.image(Fixtures.reference(name).resolve("input.png"));
        BufferedImage mirrored = ParityTest.mirrored(input);
        int n = Fixtures.expected(name).get("generated_ids").size();
        return new Workload(
                GenerationRequest.report(input),
                n,
                List.of(
                        GenerationRequest.question(mirrored, "Is there a pneumothorax?"),
                        GenerationRequest.differential(input),
                        GenerationRequest.report(mirrored)),
                List.of(5, n + 40, 3));
    }

    @ParameterizedTest(name = "{0}, KV cache {1}")
    @MethodSource("fixturesWithCacheOnAndOff")
    void greedyIdsAreTheReferencesAloneInAFullBatchAndAdmittedMidFlight(String name, boolean cache) {
        Engine engine = models.get(name).engine();
        GenerationOptions greedy = GenerationOptions.greedy().withKvCache(cache);
        int[] golden = Fixtures.ints(Fixtures.expected(name).get("generated_ids"));
        Workload w = workload(name);

        // alone
        RequestHandle alone = engine.submit(w.fixture(), greedy.withMaxNewTokens(w.fixtureTokens()), 0, null);
        drain(engine);
        assertThat(ids(alone)).as("alone").containsExactly(golden);
        int[][] solo = new int[3][];
        for (int i = 0; i < 3; i++) {
            RequestHandle h = engine.submit(
                    w.others().get(i), greedy.withMaxNewTokens(w.otherTokens().get(i)), 0, null);
            drain(engine);
            solo[i] = ids(h);
            assertThat(solo[i]).hasSize(w.otherTokens().get(i));
        }

        // a full batch: all four submitted together, every slot taken
        RequestHandle[] together = new RequestHandle[4];
        together[0] = engine.submit(w.fixture(), greedy.withMaxNewTokens(w.fixtureTokens()), 0, null);
        for (int i = 0; i < 3; i++) {
            together[i + 1] = engine.submit(
                    w.others().get(i), greedy.withMaxNewTokens(w.otherTokens().get(i)), 0, null);
        }
        int mostRunning = 0;
        while (engine.step()) {
            mostRunning = Math.max(mostRunning, engine.occupancy().running());
        }
        assertThat(mostRunning).as("all four held a slot at once").isEqualTo(4);
        assertThat(ids(together[0])).as("full batch").containsExactly(golden);
        for (int i = 0; i < 3; i++) {
            assertThat(ids(together[i + 1]))
                    .as("neighbour " + i + " in the full batch")
                    .containsExactly(solo[i]);
        }

        // mid-flight: the fixture joins two running sequences, a third joins while it decodes
        RequestHandle first = engine.submit(
                w.others().get(1), greedy.withMaxNewTokens(w.otherTokens().get(1)), 0, null);
        RequestHandle second = engine.submit(
                w.others().get(0), greedy.withMaxNewTokens(w.otherTokens().get(0)), 0, null);
        stepUntil(engine, () -> tokensSoFar(engine) >= 2);
        RequestHandle joined = engine.submit(w.fixture(), greedy.withMaxNewTokens(w.fixtureTokens()), 0, null);
        long joinedAt = engine.occupancy().step();
        stepUntil(
                engine,
                () -> engine.occupancy().prefilling() == 0 && engine.occupancy().running() > 0);
        RequestHandle third = engine.submit(
                w.others().get(2), greedy.withMaxNewTokens(w.otherTokens().get(2)), 0, null);
        drain(engine);
        Completion fixture = joined.result().join();
        assertThat(fixture.generatedIds()).as("admitted mid-flight").containsExactly(golden);
        assertThat(fixture.admittedAtStep()).isEqualTo(joinedAt);
        assertThat(first.result().join().finishedAtStep())
                .as("ran beside the fixture")
                .isGreaterThan(joinedAt);
        assertThat(third.result().join().admittedAtStep())
                .as("joined while the fixture ran")
                .isLessThan(fixture.finishedAtStep());
        assertThat(ids(first)).containsExactly(solo[1]);
        assertThat(ids(second)).containsExactly(solo[0]);
        assertThat(ids(third)).containsExactly(solo[2]);
    }

    private static int tokensSoFar(Engine engine) {
        return engine.lastStep() == null ? 0 : engine.lastStep().tokens();
    }

    static int[] ids(RequestHandle h) {
        return h.result().join().generatedIds();
    }

    static void drain(Engine engine) {
        while (engine.step()) {
            // until nothing waits or runs
        }
    }

    /** Steps at least once, then until {@code condition} holds. */
    static void stepUntil(Engine engine, BooleanSupplier condition) {
        int steps = 0;
        do {
            assertThat(engine.step())
                    .as("work remains while waiting for the condition")
                    .isTrue();
        } while (!condition.getAsBoolean() && ++steps < 10_000);
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
