package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * Java threads that apply a decode row's projection one weight block each, every thread at one
 * libtorch intra-op thread: the calling thread takes block 0, a fixed worker per further block. On
 * this CPU libtorch streams a weight for one row at about one core's bandwidth however it splits the
 * work itself (its batched column blocks scale 1.23× from 1 to 2 threads), while two threads each
 * reading half of the weight with their own single-threaded product read it at nearly twice the speed
 * (BENCHMARKS.md, "The 2-thread decode step, Java threads").
 *
 * <p>Hand-offs are a volatile slot per worker: a worker spins for up to {@value #SPIN_NANOS} ns after
 * each block before parking, so the next product of the same step (tens to hundreds of microseconds
 * later) finds it running, as OpenMP's own threads spin between parallel regions. Owned by the model
 * and closed with it; the threads are daemons.
 */
public final class DecodeThreads implements AutoCloseable {

    /** Rows up to this many (decode steps, batch up to 8) are split across the threads; more go to libtorch. */
    static final int MAX_ROWS = 8;

    private static final long SPIN_NANOS = 500_000;

    /** Blocks computed on the workers since start: the profiler records only the thread that started it. */
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
     * {@code product(x, blocks[b])} for every block, block b ≥ 1 on worker b, block 0 on the calling
     * thread (with one intra-op thread), concatenated along the last axis in block order.
     */
    public synchronized NDArray concat(NDArray x, NDArray[] blocks, BinaryOperator<NDArray> product) {
        if (blocks.length > threads()) {
            throw new IllegalArgumentException(blocks.length + " blocks for " + threads() + " threads");
        }
        for (int b = 1; b < blocks.length; b++) {
            NDArray block = blocks[b];
            workers[b - 1].submit(() -> product.apply(x, block));
        }
        NDList parts = new NDList(blocks.length);
        RuntimeException failure = null;
        try {
            parts.add(Nn.onCallingThread(() -> product.apply(x, blocks[0])));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (int b = 1; b < blocks.length; b++) {
            try {
                parts.add(workers[b - 1].awaitResult()); // made on another thread: not in the caller's NDScope
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            if (failure != null) {
                throw failure;
            }
            return NDArrays.concat(parts, -1);
        } finally {
            for (int i = failure == null ? 1 : 0; i < parts.size(); i++) {
                parts.get(i).close();
            }
        }
    }

    /** Products computed on workers since the JVM started, for counting native calls per step. */
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

    private static final class Worker extends Thread {
        private final CountDownLatch started;
        private volatile Supplier<NDArray> task;
        private volatile boolean done;
        private volatile boolean closed;
        private volatile Thread waiter;
        private NDArray result; // published by the volatile write of done
        private RuntimeException failure;

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
            while (true) {
                Supplier<NDArray> t = awaitTask();
                if (t == null) {
                    return;
                }
                task = null;
                try {
                    result = t.get();
                    WORKER_PRODUCTS.incrementAndGet();
                } catch (RuntimeException e) {
                    failure = e;
                }
                done = true;
                LockSupport.unpark(waiter);
            }
        }

        private Supplier<NDArray> awaitTask() {
            long since = System.nanoTime();
            Supplier<NDArray> t;
            while ((t = task) == null) {
                if (closed) {
                    return null;
                }
                if (System.nanoTime() - since < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            return t;
        }

        void submit(Supplier<NDArray> t) {
            result = null;
            failure = null;
            done = false;
            waiter = Thread.currentThread();
            task = t;
            LockSupport.unpark(this);
        }

        NDArray awaitResult() {
            long since = System.nanoTime();
            while (!done) {
                if (System.nanoTime() - since < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }
}
