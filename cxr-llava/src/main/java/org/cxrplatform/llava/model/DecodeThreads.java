package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BinaryOperator;

/**
 * Java threads that share a decode row's projection product, every thread at one libtorch intra-op
 * thread. On this CPU libtorch streams a weight for one row at about one core's bandwidth however it
 * splits the work itself (its batched column blocks scale 1.23× from 1 to 2 threads) while memory read
 * by two threads doubles; here each thread streams its own part of the weight with a single-threaded
 * product (BENCHMARKS.md, "Decode products on Java threads").
 *
 * <p>The weight comes as a few chunks per thread (views of it); the calling thread and the workers
 * take chunks from a shared counter until none is left, so a worker that the OS schedules late (a
 * busy host) only leaves more chunks to the caller instead of holding the step up, as a fixed split
 * (OpenMP's) does. The results are concatenated in chunk order, so each output column is the same
 * single product whichever thread made it. A worker spins for up to {@value #SPIN_NANOS} ns after a
 * product before parking, so the next product of the step usually finds it running. Owned by the
 * model and closed with it; the threads are daemons.
 */
public final class DecodeThreads implements AutoCloseable {

    /** Rows up to this many (decode steps, batch up to 8) are split across the threads; more go to libtorch. */
    static final int MAX_ROWS = 8;

    /** Chunks per thread: enough for the caller to take up a late worker's share. */
    static final int CHUNKS_PER_THREAD = 4;

    private static final long SPIN_NANOS = 200_000;

    /** Chunks computed on the workers since start: the profiler records only the thread that started it. */
    private static final AtomicLong WORKER_PRODUCTS = new AtomicLong();

    private final Worker[] workers;

    /** {@code threads} in all, the calling thread included, so {@code threads - 1} workers. */
    public DecodeThreads(int threads) {
        int callerThreads = JniUtils.getNumThreads();
        workers = new Worker[threads - 1];
        CountDownLatch started = new CountDownLatch(workers.length);
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("cxr-llava-decode-" + (i + 1), started);
            workers[i].start();
        }
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the decode threads", e);
        }
        // libtorch keeps the last count set on any thread as the default of threads it meets later: give it back
        JniUtils.setNumThreads(callerThreads);
    }

    public int threads() {
        return workers.length + 1;
    }

    /**
     * Chunks to cut one thread's block of {@code columns} output columns into: {@link
     * #CHUNKS_PER_THREAD}, or the largest number below that divides them.
     */
    static int chunksPerBlock(long columns) {
        int chunks = CHUNKS_PER_THREAD;
        while (columns % chunks != 0) {
            chunks--;
        }
        return chunks;
    }

    /**
     * {@code product(x, chunks[i])} for every chunk, shared between the calling thread (with one
     * intra-op thread) and the workers, concatenated along the last axis in chunk order.
     */
    public synchronized NDArray concat(NDArray x, NDArray[] chunks, BinaryOperator<NDArray> product) {
        if (chunks.length == 1) {
            return product.apply(x, chunks[0]);
        }
        Job job = new Job(x, chunks, product);
        for (Worker w : workers) {
            w.offer(job);
        }
        Nn.onCallingThread(job::work);
        job.awaitAll();
        try {
            if (job.failure != null) {
                throw job.failure;
            }
            return NDArrays.concat(new NDList(job.results), -1);
        } finally {
            for (NDArray r : job.results) {
                if (r != null) {
                    r.close(); // the workers' are in no NDScope; closing the caller's early is harmless
                }
            }
        }
    }

    /** Chunks computed on workers since the JVM started, for counting native calls per step. */
    public static long workerProducts() {
        return WORKER_PRODUCTS.get();
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            if (w != null) {
                w.closed = true;
                LockSupport.unpark(w);
            }
        }
    }

    /** One product: its chunks, the next one to take, and how many are done. */
    private static final class Job {
        private final NDArray x;
        private final NDArray[] chunks;
        private final BinaryOperator<NDArray> product;
        private final NDArray[] results; // published by the increment of done
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final Thread caller = Thread.currentThread();
        private volatile RuntimeException failure;

        Job(NDArray x, NDArray[] chunks, BinaryOperator<NDArray> product) {
            this.x = x;
            this.chunks = chunks;
            this.product = product;
            this.results = new NDArray[chunks.length];
        }

        /** Takes chunks until none is left; returns how many this thread computed. */
        int work() {
            int computed = 0;
            for (int i = next.getAndIncrement(); i < chunks.length; i = next.getAndIncrement()) {
                try {
                    results[i] = product.apply(x, chunks[i]);
                    computed++;
                } catch (RuntimeException e) {
                    failure = e;
                }
                if (done.incrementAndGet() == chunks.length && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
            return computed;
        }

        void awaitAll() {
            long since = System.nanoTime();
            while (done.get() < chunks.length) {
                if (System.nanoTime() - since < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }

    private static final class Worker extends Thread {
        private final CountDownLatch started;
        private final AtomicReference<Job> offered = new AtomicReference<>();
        private volatile boolean closed;

        Worker(String name, CountDownLatch started) {
            super(name);
            this.started = started;
            setDaemon(true);
        }

        @Override
        public void run() {
            JniUtils.getNumThreads(); // libtorch sets a thread's count on its first use: before ours, not after
            JniUtils.setNumThreads(1);
            started.countDown();
            for (Job j = awaitJob(); j != null; j = awaitJob()) {
                WORKER_PRODUCTS.addAndGet(j.work());
            }
        }

        void offer(Job j) {
            offered.set(j);
            LockSupport.unpark(this);
        }

        /** The next job offered (an older one not yet taken is dropped: its caller took all its chunks). */
        private Job awaitJob() {
            long since = System.nanoTime();
            Job j;
            while ((j = offered.getAndSet(null)) == null) {
                if (closed) {
                    return null;
                }
                if (System.nanoTime() - since < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            return j;
        }
    }
}
