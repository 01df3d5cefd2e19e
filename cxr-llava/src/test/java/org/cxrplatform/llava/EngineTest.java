package org.cxrplatform.llava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cxrplatform.llava.ContinuousBatchingTest.drain;
import static org.cxrplatform.llava.ContinuousBatchingTest.ids;
import static org.cxrplatform.llava.ContinuousBatchingTest.stepUntil;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.cxrplatform.llava.bench.CardBudgets;
import org.cxrplatform.llava.bench.NativeOps;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.MemoryBudget;
import org.cxrplatform.llava.engine.RequestHandle;
import org.cxrplatform.llava.engine.StepStats;
import org.cxrplatform.llava.engine.StopReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The engine's scheduling, sampling, streaming, memory and failure behaviour on the tiny fixture. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineTest {

    private static final EngineConfig THREE_SLOTS =
            EngineConfig.defaults().withMaxSlots(3).withPrefillChunk(64).withReservedSlots(1);

    private CxrLlava model;
    private Engine engine;
    private BufferedImage image;
    private BufferedImage mirrored;

    @BeforeAll
    void load() {
        model = CxrLlava.load(Fixtures.model(Fixtures.TINY), RuntimeOptions.cpu(), THREE_SLOTS);
        engine = model.engine();
        image = Fixtures.image(Fixtures.reference(Fixtures.TINY).resolve("input.png"));
        mirrored = ParityTest.mirrored(image);
    }

    @AfterAll
    void close() {
        model.close();
    }

    private RequestHandle submit(GenerationRequest r, GenerationOptions o) {
        return engine.submit(r, o, 0, null);
    }

    @Test
    void seededSamplingIsReproduciblePerRequestAndDiffersBetweenRequests() {
        GenerationOptions sample = new GenerationOptions(20, 1.0f, 0.95f, 0L);
        GenerationOptions studyA = sample.forStudy("1.2.826.0.1.3680043.8.498.1");
        GenerationOptions studyB = sample.forStudy("1.2.826.0.1.3680043.8.498.2");
        assertThat(studyA.seed())
                .isEqualTo(sample.forStudy("1.2.826.0.1.3680043.8.498.1").seed())
                .isNotEqualTo(studyB.seed());

        RequestHandle alone = submit(GenerationRequest.report(image), studyA);
        drain(engine);
        int[] a = ids(alone);
        RequestHandle b = submit(GenerationRequest.report(image), studyB);
        drain(engine);
        assertThat(ids(b)).as("another study, same image and settings").isNotEqualTo(a);
        RequestHandle greedy = submit(
                GenerationRequest.report(image), GenerationOptions.greedy().withMaxNewTokens(20));
        drain(engine);
        assertThat(a).as("sampling really samples").isNotEqualTo(ids(greedy));

        // the same study beside others (a greedy neighbour, another sampled study), and admitted mid-flight
        RequestHandle neighbour = submit(
                GenerationRequest.question(mirrored, "Any effusion?"),
                GenerationOptions.greedy().withMaxNewTokens(30));
        RequestHandle other = submit(GenerationRequest.report(image), studyB);
        stepUntil(engine, () -> engine.lastStep().tokens() == 2);
        RequestHandle again = submit(GenerationRequest.report(image), studyA);
        drain(engine);
        assertThat(ids(again))
                .as("same study in a mixed batch, joined mid-flight")
                .containsExactly(a);
        assertThat(ids(other)).containsExactly(ids(b));
        assertThat(ids(neighbour)).hasSize(30);
    }

    @Test
    void anUrgentRequestIsAdmittedAtTheNextStepWhileRoutineWorkFillsTheRest() {
        GenerationOptions routine = GenerationOptions.greedy().withMaxNewTokens(40);
        List<RequestHandle> backlog = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            backlog.add(engine.submit(GenerationRequest.report(i % 2 == 0 ? image : mirrored), routine, 1, null));
        }
        stepUntil(
                engine,
                () -> engine.occupancy().running() == 2 && engine.occupancy().prefilling() == 0);
        engine.step();
        assertThat(engine.occupancy().running())
                .as("routine work keeps one slot free")
                .isEqualTo(2);
        assertThat(engine.occupancy().waiting()).isEqualTo(4);
        RequestHandle stat = engine.submit(
                GenerationRequest.report(image), GenerationOptions.greedy().withMaxNewTokens(5), 0, null);
        long submittedAt = engine.occupancy().step();
        drain(engine);
        Completion c = stat.result().join();
        assertThat(c.admittedAtStep()).isEqualTo(submittedAt);
        assertThat(c.finishedAtStep())
                .as("done long before the backlog")
                .isLessThan(backlog.get(2).result().join().admittedAtStep());
    }

    @Test
    void cancellingEndsAWaitingAndARunningRequestAndSparesTheOthers() {
        GenerationOptions greedy = GenerationOptions.greedy().withMaxNewTokens(15);
        RequestHandle solo = submit(GenerationRequest.differential(image), greedy);
        drain(engine);
        RequestHandle running = submit(GenerationRequest.report(image), greedy);
        RequestHandle kept = submit(GenerationRequest.differential(image), greedy);
        RequestHandle waiting = engine.submit(GenerationRequest.report(mirrored), greedy, 1, null);
        stepUntil(engine, () -> engine.lastStep().tokens() == 2);
        engine.step();
        running.cancel();
        waiting.cancel();
        drain(engine);
        Completion r = running.result().join();
        assertThat(r.stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(r.generatedIds().length).isBetween(1, 14);
        assertThat(waiting.result().join().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(waiting.result().join().generatedIds()).isEmpty();
        assertThat(ids(kept)).containsExactly(ids(solo));
        assertThat(engine.occupancy().running()).isZero();
    }

    @Test
    void aDecodeStepCopiesOnePlanUpAndOneIdPerRowDownAndItsComputingOperatorsDoNotGrowWithTheBatch() {
        GenerationOptions greedy = GenerationOptions.greedy().withMaxNewTokens(30);
        NativeOps.Count[] opsPerStep = new NativeOps.Count[2];
        int b = 0;
        for (int batch : new int[] {1, 3}) {
            List<RequestHandle> handles = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                handles.add(engine.submit(GenerationRequest.report(i == 1 ? mirrored : image), greedy, 0, null));
            }
            stepUntil(
                    engine,
                    () -> engine.occupancy().running() == batch
                            && engine.occupancy().prefilling() == 0);
            engine.step();
            StepStats s = engine.lastStep();
            assertThat(s.decodeRows()).isEqualTo(batch);
            assertThat(s.prefillRows()).isZero();
            assertThat(s.transfers().uploads()).as("the step's plan").isEqualTo(1);
            assertThat(s.transfers().downloads()).isEqualTo(1);
            assertThat(s.transfers().downloadBytes())
                    .as("one int64 token id per row")
                    .isEqualTo(8L * batch);
            opsPerStep[b++] = NativeOps.count(false, engine::step);
            handles.forEach(RequestHandle::cancel);
            drain(engine);
        }
        // views (slices, reshapes) differ with shapes; the operators that compute do not
        assertThat(opsPerStep[0].computing())
                .as(opsPerStep[0].summary(40) + " vs " + opsPerStep[1].summary(40))
                .isPositive()
                .isEqualTo(opsPerStep[1].computing());
    }

    @Test
    void tokensStreamAsPiecesThatMakeTheTextAndEventsComeInOrder() {
        List<String> events = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onAdmitted(RequestHandle request, long step) {
                events.add("admitted");
            }

            @Override
            public void onToken(RequestHandle request, int tokenId, String textPiece) {
                events.add("token");
                text.append(textPiece);
            }

            @Override
            public void onComplete(RequestHandle request, Completion completion) {
                events.add("complete");
            }
        };
        RequestHandle h = engine.submit(
                GenerationRequest.report(image), GenerationOptions.greedy().withMaxNewTokens(24), 0, listener);
        drain(engine);
        Completion c = h.result().join();
        assertThat(c.text())
                .isEqualTo(
                        Fixtures.expected(Fixtures.TINY).get("generated_text").asText());
        assertThat(text.toString()).isEqualTo(c.text());
        assertThat(events).hasSize(26).startsWith("admitted").endsWith("complete");
        assertThat(events.subList(1, 25)).containsOnly("token");
    }

    @Test
    void theRepetitionGuardStopsALoopAndChangesNothingBeforeIt() {
        RequestHandle free = submit(
                GenerationRequest.report(image), GenerationOptions.greedy().withMaxNewTokens(120));
        RequestHandle guarded = submit(
                GenerationRequest.report(image),
                GenerationOptions.greedy().withMaxNewTokens(120).withRepetitionGuard(RepetitionGuard.REPORT));
        drain(engine);
        Completion g = guarded.result().join();
        assertThat(free.result().join().stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
        assertThat(g.stopReason()).isEqualTo(StopReason.REPETITION);
        assertThat(g.generatedIds().length)
                .as("the fixture loops with period 8 from token 26")
                .isEqualTo(42);
        assertThat(ids(free)).startsWith(g.generatedIds());
    }

    @Test
    void badRequestsAreRefusedAtSubmitAndAFailingListenerFailsOnlyItsRequest() {
        BufferedImage rgb = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> submit(GenerationRequest.report(rgb), GenerationOptions.greedy()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8-bit greyscale");
        GenerationRequest tooLong = GenerationRequest.question(image, "x ".repeat(2100));
        assertThatThrownBy(() -> submit(tooLong, GenerationOptions.greedy()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per sequence");
        assertThatThrownBy(() -> engine.submit(GenerationRequest.report(image), null, -1, null))
                .hasMessageContaining("priority");

        GenerationOptions greedy = GenerationOptions.greedy().withMaxNewTokens(10);
        RequestHandle solo = submit(GenerationRequest.differential(image), greedy);
        drain(engine);
        RequestHandle broken = engine.submit(GenerationRequest.report(image), greedy, 0, new GenerationListener() {
            @Override
            public void onToken(RequestHandle request, int tokenId, String textPiece) {
                throw new IllegalStateException("listener broke");
            }
        });
        RequestHandle neighbour = submit(GenerationRequest.differential(image), greedy);
        drain(engine);
        assertThatThrownBy(() -> broken.result().join())
                .isInstanceOf(CompletionException.class)
                .hasMessageContaining("listener broke");
        assertThat(ids(neighbour)).containsExactly(ids(solo));
    }

    @Test
    void manyAdmissionsAndReleasesLeaveNoNativeArraysBehind() {
        int before = model.model().liveNativeArrays();
        assertThat(before).as("weights and the engine's cache are counted").isGreaterThan(40);
        GenerationOptions sample = new GenerationOptions(6, 0.2f, 0.8f, 0L);
        for (int round = 0; round < 10; round++) {
            List<RequestHandle> handles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                GenerationOptions o = (i % 2 == 0
                                ? sample.forStudy("s" + round + i)
                                : GenerationOptions.greedy().withMaxNewTokens(4))
                        .withKvCache(i != 3);
                handles.add(engine.submit(GenerationRequest.report(i == 1 ? mirrored : image), o, i % 2, null));
            }
            engine.step();
            handles.get(round % 4).cancel();
            drain(engine);
            assertThat(handles).allMatch(RequestHandle::isDone);
        }
        assertThat(model.model().liveNativeArrays()).isEqualTo(before);
    }

    @Test
    void theMemoryBudgetRefusesFewerSequencesThanConfiguredInOneLineNamingTheFix() {
        // LLaMA-2-7B geometry in FP16 with 2,048 positions: 1 GiB of KV cache per sequence
        CxrLlavaConfig sevenB = CardBudgets.sevenB();
        MemoryBudget card = MemoryBudget.plan(sevenB, 2, 0, 8, 2048, 256, 9L << 30, "test");
        assertThat(card.kvBytesPerSlot()).isEqualTo(1L << 30);
        assertThat(card.activationBytes()).isBetween(1L << 20, 1L << 30);
        assertThat(card.slots()).isEqualTo(8);
        assertThat(MemoryBudget.maxSlots(sevenB, 2, 0, 2048, 256, 9L << 30)).isEqualTo(8);
        assertThatThrownBy(() -> MemoryBudget.plan(sevenB, 2, 0, 16, 2048, 256, 9L << 30, "a 24 GB card"))
                .isInstanceOf(SetupException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContaining("(a 24 GB card) holds 8 sequence(s) of 2048 positions, 16 configured")
                .hasMessageContaining("configure at most 8 slot(s) or at most 1088 positions");
        assertThatThrownBy(() -> MemoryBudget.plan(sevenB, 2, 0, 1, 2048, 256, 1L << 30, "a small card"))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("(a small card) holds 0 sequence(s) of 2048 positions, 1 configured");

        // the engine refuses at start-up with a configured figure; the same figure runs the slots it holds
        MemoryBudget roomy = MemoryBudget.plan(model.config(), 4, 0, 8, 256, 64, 1L << 40, "test");
        long twoAndAHalf = roomy.activationBytes() + roomy.kvBytesPerSlot() * 5 / 2;
        assertThatThrownBy(() -> CxrLlava.load(
                        Fixtures.model(Fixtures.TINY),
                        RuntimeOptions.cpu(),
                        new EngineConfig(8, 256, 64, twoAndAHalf, 0)))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("(configured) holds 2 sequence(s) of 256 positions, 8 configured");
        try (CxrLlava small = CxrLlava.load(
                Fixtures.model(Fixtures.TINY), RuntimeOptions.cpu(), new EngineConfig(2, 256, 64, twoAndAHalf, 0))) {
            assertThat(small.engine().budget().slots()).isEqualTo(2);
            assertThat(small.engine().occupancy().slots()).isEqualTo(2);
            List<Generation> out = small.generate(
                    List.of(
                            GenerationRequest.report(image),
                            GenerationRequest.report(mirrored),
                            GenerationRequest.differential(image)),
                    GenerationOptions.greedy().withMaxNewTokens(24),
                    null);
            assertThat(out.get(0).generatedIds())
                    .containsExactly(
                            Fixtures.ints(Fixtures.expected(Fixtures.TINY).get("generated_ids")));
        }
    }
}
