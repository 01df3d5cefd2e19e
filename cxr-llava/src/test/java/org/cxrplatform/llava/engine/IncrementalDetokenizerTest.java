package org.cxrplatform.llava.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.cxrplatform.llava.Fixtures;
import org.cxrplatform.llava.checkpoint.LlavaTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Streamed pieces against whole-sequence decoding, with the fixture's byte-fallback tokenizer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncrementalDetokenizerTest {

    private LlavaTokenizer tokenizer;
    private final AtomicLong decodedIds = new AtomicLong();
    private Function<int[], String> decode;

    @BeforeAll
    void load() {
        tokenizer = LlavaTokenizer.load(Fixtures.model(Fixtures.TINY), 1);
        decode = ids -> {
            decodedIds.addAndGet(ids.length);
            return tokenizer.decode(ids);
        };
    }

    @AfterAll
    void close() {
        tokenizer.close();
    }

    /** Streams {@code ids} and returns the pieces joined (the rest flushed at the end, as the engine does). */
    private String stream(int[] ids) {
        IncrementalDetokenizer d =
                new IncrementalDetokenizer(decode, id -> tokenizer.isByteToken(id) || tokenizer.isSpecial(id));
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(d.next(id));
        }
        out.append(d.rest(tokenizer.decode(ids)));
        return out.toString();
    }

    @Test
    void piecesOfTheFixturesGoldenIdsAreTheirText() {
        for (String name : new String[] {Fixtures.TINY, Fixtures.TINY_512}) {
            int[] ids = Fixtures.ints(Fixtures.expected(name).get("generated_ids"));
            assertThat(stream(ids))
                    .isEqualTo(Fixtures.expected(name).get("generated_text").asText());
        }
    }

    @Test
    void piecesOfRandomSequencesWithSplitCharactersAndSpecialTokensAreTheirText() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int[] ids = new int[1 + random.nextInt(60)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(600); // ids 0-2 special, 3-258 byte tokens, the rest pieces
            }
            assertThat(stream(ids)).as(Arrays.toString(ids)).isEqualTo(tokenizer.decode(ids));
        }
    }

    @Test
    void aRunOfByteTokensIsEmittedWhenItEndsAsTheDecoderReadsIt() {
        byte[] utf8 = "é—".getBytes(StandardCharsets.UTF_8); // 2 + 3 bytes as byte tokens (<0xNN> is id 3 + NN)
        IncrementalDetokenizer d =
                new IncrementalDetokenizer(decode, id -> tokenizer.isByteToken(id) || tokenizer.isSpecial(id));
        StringBuilder pieces = new StringBuilder();
        for (byte b : utf8) {
            assertThat(d.next(3 + (b & 0xff))).as("held back inside the run").isEmpty();
        }
        pieces.append(d.next(260)); // "▁a" ends the run
        assertThat(pieces.toString()).isEqualTo("é— a");
        // "s" then a lone lead byte: the decoder replaces the whole run, "s" included, by U+FFFD U+FFFD
        IncrementalDetokenizer broken =
                new IncrementalDetokenizer(decode, id -> tokenizer.isByteToken(id) || tokenizer.isSpecial(id));
        String streamed = broken.next(3 + 's') + broken.next(3 + 0xC3) + broken.next(260);
        assertThat(streamed).isEqualTo("\uFFFD\uFFFD a").isEqualTo(tokenizer.decode(new int[] {3 + 's', 3 + 0xC3, 260
        }));
    }

    @Test
    void decodingWorkPerTokenDoesNotGrowWithTheSequence() {
        Random random = new Random(5);
        int[] ids = new int[2000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 259 + random.nextInt(341); // ordinary pieces
        }
        IncrementalDetokenizer d =
                new IncrementalDetokenizer(decode, id -> tokenizer.isByteToken(id) || tokenizer.isSpecial(id));
        decodedIds.set(0);
        for (int id : ids) {
            d.next(id);
        }
        // two windows of a few tokens per step; re-decoding from the start would be ~2,000,000
        assertThat(decodedIds.get()).isLessThan(8L * ids.length);
        assertThat(d.emitted()).isEqualTo(tokenizer.decode(ids));
    }
}
