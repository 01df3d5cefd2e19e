package org.cxrplatform.llava.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.SetupException;
import org.cxrplatform.llava.checkpoint.CxrLlavaConfig;
import org.cxrplatform.llava.checkpoint.LlavaTokenizer;
import org.cxrplatform.llava.generate.PromptEncoder;
import org.cxrplatform.llava.model.CxrLlavaModel;
import org.cxrplatform.llava.model.SlotCache;
import org.cxrplatform.llava.model.StepInput;
import org.cxrplatform.llava.model.Transfers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: requests join a running batch at step boundaries and leave it when they end.
 *
 * <p>The KV cache holds a fixed number of sequence slots, sized once by the {@link MemoryBudget}.
 * Each {@link #step()} (1) takes in new submissions and cancellations, (2) admits waiting requests
 * into free slots, most urgent first (priority, then submission order), encoding their images, (3)
 * runs one forward pass holding the next token of every decoding sequence plus pieces of the
 * admitted prompts, at most {@link EngineConfig#prefillChunk()} prompt positions per step, (4) picks
 * every next token on the device and copies only those ids to the host, and (5) streams each token's
 * text, ends the sequences that hit EOS, their token limit or their repetition guard, and frees
 * their slots for the next step. A request's tokens do not depend on what else runs: its rows attend
 * to its own slot only and its random stream is its own.
 *
 * <pre>{@code
 * Engine engine = llava.engine();
 * RequestHandle h = engine.submit(GenerationRequest.report(image),
 *     GenerationOptions.reportDefaults(0).forStudy(studyUid), 1, listener);   // from any thread
 * while (running) {                                                             // one loop thread
 *   if (!engine.step()) engine.awaitWork(Duration.ofMillis(100));
 * }
 * Completion c = h.result().join();
 * }</pre>
 *
 * <p>Thread-safety: {@link #submit}, {@link RequestHandle#cancel()}, {@link #occupancy()},
 * {@link #awaitWork} and {@link #lastStep()} may be called from any thread (a scheduler hands
 * studies in from its consumer threads). {@link #step()} is serialised on the engine: run it from one
 * loop thread; listeners are called on that thread, inside the step. Preparing a request (chat
 * template, tokenizer, image resize) happens in {@code submit}, on the caller's thread.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final Comparator<Sequence> URGENT_FIRST =
            Comparator.<Sequence>comparingInt(s -> s.handle.priority()).thenComparingLong(s -> s.handle.id());

    private final CxrLlavaModel model;
    private final PromptEncoder prompts;
    private final LlavaTokenizer tokenizer;
    private final CxrLlavaConfig modelConfig;
    private final EngineConfig config;
    private final MemoryBudget budget;
    private final Transfers transfers;
    private final NDManager manager;
    private final SlotCache cache;
    private final DeviceSampler sampler;
    private final NDArray lastIds; // [slots] int64: each slot's latest token, fed back without leaving the device
    private final Sequence[] slots;
    private final Queue<Sequence> submitted = new ConcurrentLinkedQueue<>();
    private final Queue<RequestHandle> cancellations = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Sequence> waiting = new PriorityQueue<>(URGENT_FIRST);
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger(); // submitted, not yet admitted or dropped
    private final Object signal = new Object();
    private volatile Occupancy occupancy;
    private volatile StepStats lastStep;
    private volatile boolean closed;
    private long step;

    private Engine(
            CxrLlavaModel model,
            PromptEncoder prompts,
            LlavaTokenizer tokenizer,
            EngineConfig config,
            MemoryBudget budget) {
        this.model = model;
        this.prompts = prompts;
        this.tokenizer = tokenizer;
        this.modelConfig = model.config();
        this.config = config;
        this.budget = budget;
        this.transfers = model.transfers();
        this.manager = model.newManager();
        try {
            this.cache = model.newCache(manager, budget.slots(), budget.capacity());
            this.sampler = new DeviceSampler(manager, transfers, budget.slots(), budget.capacity());
            this.lastIds = manager.zeros(new Shape(budget.slots()), DataType.INT64);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.slots = new Sequence[budget.slots()];
        this.occupancy = new Occupancy(0, budget.slots(), 0, 0, 0);
    }

    /**
     * Sizes the memory budget (see {@link EngineConfig#memoryBytes()}) and allocates the KV cache.
     *
     * @throws SetupException when the memory holds fewer sequences than {@link EngineConfig#maxSlots()}, or the
     *     GPU's free memory cannot be read
     */
    public static Engine start(
            CxrLlavaModel model, PromptEncoder prompts, LlavaTokenizer tokenizer, EngineConfig config) {
        CxrLlavaConfig c = model.config();
        int capacity = config.capacity() > 0 ? config.capacity() : Math.min(2048, c.maxPositionEmbeddings());
        if (capacity > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(
                    "engine capacity " + capacity + " exceeds the model's " + c.maxPositionEmbeddings() + " positions");
        }
        int dtypeBytes = model.dtype() == DataType.FLOAT32 ? 4 : 2;
        // a step runs every slot's next token and one prefill chunk through the layers, every slot through lm_head
        long widened = model.widenedWeightBytes(config.maxSlots() + config.prefillChunk(), config.maxSlots());
        MemoryBudget budget = availableMemory(
                model.device(),
                config,
                (bytes, source) -> MemoryBudget.plan(
                        c, dtypeBytes, widened, config.maxSlots(), capacity, config.prefillChunk(), bytes, source));
        LOG.info("engine memory budget: {}", budget.describe());
        return new Engine(model, prompts, tokenizer, config, budget);
    }

    private interface Planner {
        MemoryBudget plan(long bytes, String source);
    }

    /** The configured figure; else 90 % of the GPU's free memory (cached blocks released first); else the CPU default. */
    private static MemoryBudget availableMemory(Device device, EngineConfig config, Planner planner) {
        if (config.memoryBytes() > 0) {
            return planner.plan(config.memoryBytes(), "configured");
        }
        if (device.isGpu()) {
            JniUtils.emptyCudaCache();
            MemoryUsage usage;
            try {
                usage = CudaUtils.getGpuMemory(device);
            } catch (IllegalStateException e) {
                throw new SetupException(
                        "cannot read the free memory of " + device + " (" + e.getMessage()
                                + "): set the engine's memory budget explicitly",
                        e);
            }
            long free = usage.getMax() - usage.getCommitted();
            return planner.plan(
                    free / 10 * 9,
                    String.format(
                            Locale.ROOT, "90 %% of %s free of %d MiB on %s", free >> 20, usage.getMax() >> 20, device));
        }
        return planner.plan(EngineConfig.CPU_DEFAULT_MEMORY_BYTES, "CPU default");
    }

    public MemoryBudget budget() {
        return budget;
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Queues a request; it is admitted at a step boundary when a slot is free, most urgent first.
     * Renders, tokenises and preprocesses on the calling thread.
     *
     * @param priority 0 = most urgent (may use {@link EngineConfig#reservedSlots()}); higher waits longer
     * @param listener may be null (use the handle's result)
     * @throws IllegalArgumentException for a request that cannot run (not an 8-bit greyscale image,
     *     a prompt longer than the engine's positions per sequence)
     */
    public RequestHandle submit(
            GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
        if (closed) {
            throw new IllegalStateException("engine closed");
        }
        if (priority < 0) {
            throw new IllegalArgumentException("priority must be ≥ 0, got " + priority);
        }
        GenerationOptions opts = options == null ? GenerationOptions.greedy() : options;
        PromptEncoder.Prepared prepared = prompts.prepare(request);
        int length = prompts.sequenceLength(prepared.inputIds());
        int room = budget.capacity() - length;
        if (room < 1) {
            throw new IllegalArgumentException("the prompt takes " + length + " positions, the engine holds "
                    + budget.capacity() + " per sequence (the model has " + modelConfig.maxPositionEmbeddings() + ")");
        }
        int maxNew = Math.min(
                room, opts.maxNewTokens() > 0 ? opts.maxNewTokens() : PromptEncoder.defaultMaxNewTokens(length));
        RequestHandle handle = new RequestHandle(nextId.getAndIncrement(), priority, this);
        Sequence sequence = new Sequence(
                handle,
                prepared,
                opts,
                listener,
                length,
                maxNew,
                new IncrementalDetokenizer(
                        tokenizer::decode, id -> tokenizer.isByteToken(id) || tokenizer.isSpecial(id)));
        pending.incrementAndGet();
        submitted.add(sequence);
        synchronized (signal) {
            signal.notifyAll();
        }
        return handle;
    }

    void cancel(RequestHandle handle) {
        cancellations.add(handle);
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * One step: intake, admission, one forward pass, the next token of every running sequence.
     *
     * @return whether work remains (running or waiting requests); false also when there was nothing
     *     to do, in which case no step is counted
     */
    public synchronized boolean step() {
        if (closed) {
            throw new IllegalStateException("engine closed");
        }
        long start = System.nanoTime();
        Transfers.Counts before = transfers.counts();
        intake();
        applyCancellations();
        int admitted = admit();
        if (occupied() > 0) {
            int[] shape = run();
            lastStep = new StepStats(
                    step,
                    shape[0],
                    shape[1],
                    shape[2],
                    shape[3],
                    admitted,
                    transfers.counts().minus(before),
                    System.nanoTime() - start);
            step++;
        }
        publishOccupancy();
        return hasWork();
    }

    /** Blocks until a request is waiting or running, the timeout passes or the engine closes. */
    public void awaitWork(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            while (!closed && occupancy.running() == 0 && pending.get() == 0 && cancellations.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                signal.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private boolean hasWork() {
        return occupied() > 0 || pending.get() > 0;
    }

    public Occupancy occupancy() {
        return occupancy;
    }

    /** The last step that ran, or null before the first. */
    public StepStats lastStep() {
        return lastStep;
    }

    private void intake() {
        for (Sequence s; (s = submitted.poll()) != null; ) {
            waiting.add(s);
        }
    }

    private void applyCancellations() {
        for (RequestHandle h; (h = cancellations.poll()) != null; ) {
            for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
                Sequence s = it.next();
                if (s.handle == h) {
                    it.remove();
                    pending.decrementAndGet();
                    finish(s, StopReason.CANCELLED);
                }
            }
            for (Sequence s : slots) {
                if (s != null && s.handle == h) {
                    finish(s, StopReason.CANCELLED);
                }
            }
        }
    }

    /** Moves waiting requests into free slots, urgent first, as many as one prefill chunk starts. */
    private int admit() {
        List<Sequence> admitted = new ArrayList<>();
        int promptRoom = config.prefillChunk();
        while (!waiting.isEmpty()) {
            Sequence next = waiting.peek();
            int free = slots.length - occupied();
            if (free == 0
                    || (next.handle.priority() > 0 && free <= config.reservedSlots())
                    || (!admitted.isEmpty() && next.promptLength > promptRoom)) {
                break;
            }
            waiting.poll();
            pending.decrementAndGet();
            promptRoom -= next.promptLength;
            int slot = 0;
            while (slots[slot] != null) {
                slot++;
            }
            slots[slot] = next;
            next.slot = slot;
            next.state = Sequence.State.PREFILLING;
            next.admittedAtStep = step;
            next.admittedNanos = System.nanoTime();
            admitted.add(next);
        }
        if (admitted.isEmpty()) {
            return 0;
        }
        try (NDScope scope = new NDScope()) {
            long t = System.nanoTime();
            NDArray features = model.imageFeatures(
                    admitted.stream().map(s -> s.prepared.pixelValues()).toList()); // [k,G²,D]
            long visionNanos = System.nanoTime() - t;
            for (int i = 0; i < admitted.size(); i++) {
                Sequence s = admitted.get(i);
                s.visionNanos = visionNanos;
                s.manager = manager.newSubManager();
                NDArray prompt = model.promptEmbeddings(s.prepared.inputIds(), features.get(i)); // [L,D]
                NDScope.unregister(prompt);
                prompt.attach(s.manager);
                s.prompt = prompt;
                sampler.admit(s.slot, s.options, s.promptLength);
            }
        } catch (RuntimeException e) {
            LOG.warn("admitting {} request(s) failed: {}", admitted.size(), e.toString());
            admitted.forEach(s -> fail(s, e));
            return 0;
        }
        for (Sequence s : admitted) {
            notify(s, () -> s.listener.onAdmitted(s.handle, s.admittedAtStep));
        }
        return admitted.size();
    }

    /** A run of positions of one sequence fed in this step: a prompt piece or, without a cache, the whole sequence. */
    private record Piece(Sequence sequence, int start, int length, boolean recompute, boolean completes) {}

    /** Runs the forward pass; returns {rows, one-token rows, prefill rows, tokens produced}. */
    private int[] run() {
        int n = highestOccupied() + 1;
        boolean anyCached = false;
        for (int s = 0; s < n; s++) {
            anyCached |= slots[s] != null && slots[s].decodesFromCache();
        }
        int oneTokenRows = anyCached ? n : 0;
        List<Piece> pieces = pieces();
        int rows = oneTokenRows + pieces.stream().mapToInt(Piece::length).sum();
        int capacity = budget.capacity();

        // the step's plan, uploaded in one copy: positions [rows] | slots [rows] | sample row [n] | produced position
        // [n]
        long[] plan = new long[2 * rows + 2 * n];
        int sampleAt = 2 * rows;
        int producedAt = 2 * rows + n;
        Sequence[] producer = new Sequence[n];
        int keys = 1;
        for (int s = 0; s < n; s++) {
            Sequence q = slots[s];
            boolean real = q != null && q.decodesFromCache();
            if (s < oneTokenRows) {
                // idle rows (free, prefilling or cache-less slots) write their garbage to their own slot's
                // last position, which no sequence reads: a sequence never feeds a token at capacity - 1
                long position = real ? q.producedPosition() - 1 : capacity - 1;
                plan[s] = position;
                plan[rows + s] = s;
                plan[sampleAt + s] = s;
                if (real) {
                    keys = Math.max(keys, (int) position + 1);
                }
            }
            plan[producedAt + s] = real ? q.producedPosition() : capacity - 1;
            producer[s] = real ? q : null;
        }
        List<StepInput.Chunk> chunks = new ArrayList<>();
        int row = oneTokenRows;
        int prefillRows = 0;
        boolean identitySample = true;
        for (Piece p : pieces) {
            int slot = p.sequence().slot;
            chunks.add(new StepInput.Chunk(row, slot, p.start(), p.length()));
            for (int i = 0; i < p.length(); i++) {
                plan[row + i] = p.start() + i;
                plan[rows + row + i] = slot;
            }
            if (p.completes()) {
                plan[sampleAt + slot] = row + p.length() - 1;
                plan[producedAt + slot] = p.sequence().producedPosition();
                producer[slot] = p.sequence();
                identitySample = false;
            }
            row += p.length();
            prefillRows += p.length();
        }
        DeviceSampler.Mode mode = mode(producer);

        long[] ids = null;
        try (NDScope scope = new NDScope()) {
            NDArray planned = transfers.upload(manager, plan, new Shape(plan.length));
            NDList embeddings = new NDList();
            if (oneTokenRows > 0) {
                embeddings.add(model.embed(lastIds.get("0:{}", oneTokenRows))); // [n,D]
            }
            for (Piece p : pieces) {
                embeddings.add(embeddings(p)); // [len,D]
            }
            NDArray x = embeddings.size() == 1 ? embeddings.singletonOrThrow() : NDArrays.concat(embeddings, 0);
            StepInput input = new StepInput(
                    x, planned.get("0:{}", rows), planned.get("{}:{}", rows, 2 * rows), oneTokenRows, keys, chunks);
            NDArray hidden = model.forward(input, cache); // [rows,D]
            if (mode != null) {
                NDArray picked = identitySample
                        ? hidden.get("0:{}", n)
                        : hidden.get(new NDIndex("{}", planned.get("{}:{}", sampleAt, sampleAt + n))); // [n,D]
                NDArray next =
                        sampler.sample(model.logits(picked), n, planned.get("{}:{}", producedAt, producedAt + n), mode);
                lastIds.set(new NDIndex("0:{}", n), next);
                ids = transfers.downloadLongs(next);
            }
        } catch (RuntimeException e) {
            LOG.warn("step {} failed; failing its {} sequence(s): {}", step, occupied(), e.toString());
            for (Sequence s : slots) {
                if (s != null) {
                    fail(s, e);
                }
            }
            return new int[] {rows, oneTokenRows, prefillRows, 0};
        }

        for (Piece p : pieces) {
            if (!p.recompute()) {
                p.sequence().prefilled += p.length();
            }
        }
        int tokens = 0;
        for (int s = 0; s < n; s++) {
            if (producer[s] != null) {
                producer[s].state = Sequence.State.DECODING;
                deliver(producer[s], (int) ids[s]);
                tokens++;
            }
        }
        return new int[] {rows, oneTokenRows, prefillRows, tokens};
    }

    /**
     * This step's prompt pieces, urgent sequences first: prefill chunks within the step's budget, and
     * for sequences without a KV cache their whole sequence (prompt at once, then prompt + tokens).
     */
    private List<Piece> pieces() {
        List<Sequence> order = new ArrayList<>();
        for (Sequence s : slots) {
            if (s != null && !s.decodesFromCache()) {
                order.add(s);
            }
        }
        order.sort(URGENT_FIRST);
        List<Piece> pieces = new ArrayList<>();
        int room = config.prefillChunk();
        for (Sequence s : order) {
            if (s.state == Sequence.State.DECODING) {
                pieces.add(new Piece(s, 0, s.producedPosition(), true, true));
            } else if (!s.cached()) {
                pieces.add(new Piece(s, 0, s.promptLength, false, true));
            } else if (room > 0) {
                int take = Math.min(room, s.promptLength - s.prefilled);
                room -= take;
                pieces.add(new Piece(s, s.prefilled, take, false, s.prefilled + take == s.promptLength));
            }
        }
        return pieces;
    }

    /** Input embeddings of a piece [len,D]: a slice of the prompt, or the prompt and the tokens so far. */
    private NDArray embeddings(Piece p) {
        Sequence s = p.sequence();
        if (!p.recompute()) {
            return p.start() == 0 && p.length() == s.promptLength
                    ? s.prompt
                    : s.prompt.get("{}:{}", p.start(), p.start() + p.length());
        }
        long[] tokens = new long[s.count];
        for (int i = 0; i < s.count; i++) {
            tokens[i] = s.generated[i];
        }
        NDArray generated = model.embed(transfers.upload(manager, tokens, new Shape(tokens.length)));
        return NDArrays.concat(new NDList(s.prompt, generated), 0);
    }

    private static DeviceSampler.Mode mode(Sequence[] producer) {
        boolean greedy = false;
        boolean sampled = false;
        for (Sequence s : producer) {
            if (s != null) {
                greedy |= s.options.greedyDecoding();
                sampled |= !s.options.greedyDecoding();
            }
        }
        if (!greedy && !sampled) {
            return null;
        }
        return greedy && sampled
                ? DeviceSampler.Mode.MIXED
                : greedy ? DeviceSampler.Mode.GREEDY : DeviceSampler.Mode.SAMPLED;
    }

    /** Appends the token, streams its text, and ends the sequence on EOS, its repetition guard or its limit. */
    private void deliver(Sequence s, int token) {
        s.append(token);
        if (s.count == 1) {
            s.firstTokenNanos = System.nanoTime();
        }
        StopReason stop = token == modelConfig.eosTokenId()
                ? StopReason.EOS
                : s.repetition.fires(s.generated, s.count)
                        ? StopReason.REPETITION
                        : s.count >= s.maxNew ? StopReason.MAX_NEW_TOKENS : null;
        String piece = s.detokenizer.next(token);
        String text = null;
        if (stop != null) {
            text = tokenizer.decode(s.generatedIds());
            piece += s.detokenizer.rest(text);
        }
        String streamed = piece;
        if (notify(s, () -> s.listener.onToken(s.handle, token, streamed)) && stop != null) {
            finish(s, stop, text);
        }
    }

    private void finish(Sequence s, StopReason reason) {
        finish(s, reason, tokenizer.decode(s.generatedIds()));
    }

    /** Completes the request and frees its slot. */
    private void finish(Sequence s, StopReason reason, String text) {
        release(s);
        long now = System.nanoTime();
        boolean admitted = s.admittedAtStep >= 0;
        long first = s.firstTokenNanos > 0 ? s.firstTokenNanos : now;
        Completion c = new Completion(
                s.handle.id(),
                s.prepared.prompt(),
                s.prepared.inputIds(),
                s.generatedIds(),
                text,
                reason,
                modelConfig.imageTokens(),
                s.admittedAtStep,
                admitted ? step : -1,
                ms((admitted ? s.admittedNanos : now) - s.submittedNanos),
                ms(s.visionNanos),
                admitted ? ms(first - s.admittedNanos - s.visionNanos) : 0,
                s.firstTokenNanos > 0 ? ms(now - first) : 0);
        if (notify(s, () -> s.listener.onComplete(s.handle, c))) {
            s.handle.result().complete(c);
        }
    }

    /** Fails the request (its slot freed); listener errors are logged, not rethrown. */
    private void fail(Sequence s, Throwable error) {
        release(s);
        try {
            s.listener.onFailed(s.handle, error);
        } catch (RuntimeException e) {
            LOG.warn("listener of {} failed in onFailed: {}", s.handle, e.toString());
        }
        s.handle.result().completeExceptionally(error);
    }

    /** Runs a listener call; a listener that throws fails its own request. Returns whether it returned normally. */
    private boolean notify(Sequence s, Runnable call) {
        try {
            call.run();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("listener of {} threw; failing the request: {}", s.handle, e.toString());
            fail(s, e);
            return false;
        }
    }

    private void release(Sequence s) {
        if (s.slot >= 0 && slots[s.slot] == s) {
            slots[s.slot] = null;
        }
        s.releaseDeviceMemory();
    }

    private int occupied() {
        int n = 0;
        for (Sequence s : slots) {
            n += s == null ? 0 : 1;
        }
        return n;
    }

    private int highestOccupied() {
        for (int s = slots.length - 1; s >= 0; s--) {
            if (slots[s] != null) {
                return s;
            }
        }
        return -1;
    }

    private void publishOccupancy() {
        int running = 0;
        int prefilling = 0;
        for (Sequence s : slots) {
            if (s != null) {
                running++;
                prefilling += s.state == Sequence.State.PREFILLING ? 1 : 0;
            }
        }
        occupancy = new Occupancy(step, slots.length, running, prefilling, pending.get());
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000L;
    }

    /** Fails every waiting and running request ("engine closed") and frees the cache. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        IllegalStateException error = new IllegalStateException("engine closed");
        intake();
        for (Sequence s; (s = waiting.poll()) != null; ) {
            fail(s, error);
        }
        for (Sequence s : slots) {
            if (s != null) {
                fail(s, error);
            }
        }
        pending.set(0);
        publishOccupancy();
        manager.close();
        synchronized (signal) {
            signal.notifyAll();
        }
    }
}
