package dev.jeras.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A few persistent daemon threads that run the parts of one job beside the calling thread: part 0
 * on the caller, part p on worker p. Parts write disjoint outputs (blocks of C, ranges of an array),
 * so a result never depends on how many parts there were.
 *
 * <p>A training step hands out a job every few microseconds, far less than it takes to wake a
 * parked thread, so a worker spins for {@link #SPIN_NANOS} after each part before it parks. One
 * job runs at a time: a caller that finds the pool busy (another thread's model is training) runs
 * its whole job itself, which gives the same result.
 *
 * <p>Pools are shared per size, and their threads start on the first parallel job, so kernels that
 * are never asked for parallel work start no thread.
 */
final class WorkerPool {

    /** A job split into parts; {@code run(p, parts)} computes part p of {@code parts}, touching only its own output. */
    interface Job {
        void run(int part, int parts);
    }

    /** How long an idle worker spins before it parks: longer than the gaps between a step's parallel jobs. */
    static final long SPIN_NANOS = 50_000;

    private static final WorkerPool[] SHARED = new WorkerPool[257];

    private final int threads;
    private final AtomicBoolean busy = new AtomicBoolean();
    private Worker[] workers;

    private WorkerPool(int threads) {
        this.threads = threads;
    }

    /** The shared pool of {@code threads} threads in all (the caller and {@code threads - 1} workers). */
    static synchronized WorkerPool of(int threads) {
        if (threads < 1 || threads >= SHARED.length) {
            throw new IllegalArgumentException("a worker pool has 1 to " + (SHARED.length - 1) + " threads, received " + threads);
        }
        if (SHARED[threads] == null) {
            SHARED[threads] = new WorkerPool(threads);
        }
        return SHARED[threads];
    }

    /** Threads in all, counting the caller. */
    int threads() {
        return threads;
    }

    /**
     * Takes the pool for one job; false when another caller's job is running (the caller then does
     * its whole job itself, which gives the same result). A caller that gets the pool sets up its
     * job, calls {@link #runAcquired}, and then {@link #release}, in a finally block.
     */
    boolean tryAcquire() {
        return busy.compareAndSet(false, true);
    }

    /** Takes the pool, waiting (yielding the CPU) while another caller holds it. */
    void acquire() {
        while (!busy.compareAndSet(false, true)) {
            Thread.yield();
        }
    }

    /** Gives the pool back after {@link #tryAcquire} or {@link #acquire}. */
    void release() {
        busy.set(false);
    }

    /**
     * Runs {@code job} in {@code parts} parts (2 to {@link #threads()}), part 0 on the caller, and
     * returns when all are done, rethrowing the first failure of any part. The caller holds the pool.
     */
    void runAcquired(Job job, int parts) {
        Worker[] ws = started();
        for (int p = 1; p < parts; p++) {
            ws[p - 1].post(job, p, parts);
        }
        Throwable failure = null;
        try {
            job.run(0, parts);
        } catch (Throwable t) {
            failure = t;
        }
        for (int p = 1; p < parts; p++) {
            Throwable t = ws[p - 1].awaitDone();
            if (failure == null) {
                failure = t;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private Worker[] started() {
        if (workers == null) {
            Worker[] ws = new Worker[threads - 1];
            for (int i = 0; i < ws.length; i++) {
                ws[i] = new Worker("jeras-worker-" + threads + "-" + (i + 1));
            }
            workers = ws;
        }
        return workers;
    }

    /** One worker thread and its mailbox: a posted part, and whether it is done. */
    private static final class Worker implements Runnable {
        private final Thread thread;
        private Job job;
        private int part;
        private int parts;
        private Throwable failure;
        /** Jobs posted so far; a volatile write publishes job, part and parts to the worker. */
        private volatile long posted;
        /** Jobs finished so far; a volatile write publishes the part's output and failure to the caller. */
        private volatile long finished;
        private volatile boolean parked;

        Worker(String name) {
            thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
            thread.start();
        }

        void post(Job job, int part, int parts) {
            this.job = job;
            this.part = part;
            this.parts = parts;
            this.failure = null;
            posted = posted + 1;
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        /** Waits (spinning: parts are short) until the posted part is done; returns its failure or null. */
        Throwable awaitDone() {
            long target = posted;
            while (finished != target) {
                Thread.onSpinWait();
            }
            Throwable t = failure;
            job = null;
            return t;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                seen = awaitPost(seen);
                try {
                    job.run(part, parts);
                } catch (Throwable t) {
                    failure = t;
                }
                finished = seen;
            }
        }

        /** Spins for a while, then parks, until a job newer than {@code seen} is posted; returns its number. */
        private long awaitPost(long seen) {
            long start = System.nanoTime();
            int spins = 0;
            while (true) {
                long p = posted;
                if (p != seen) {
                    return p;
                }
                if ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (posted == seen) { // re-check after announcing: post() either sees parked or we see its job
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
