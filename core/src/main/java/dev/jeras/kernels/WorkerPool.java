package dev.jeras.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A few persistent daemon threads that run the parts of one job beside the calling thread. Parts
 * write disjoint outputs (blocks of C, ranges of an array), so a result never depends on how many
 * parts there were, nor on which thread ran which part.
 *
 * <p>Parts are claimed, not assigned: the caller and every worker take the next unclaimed part until
 * none is left, and the caller then waits for the parts others are still running. Normally the
 * caller runs part 0 and the worker part 1; but a worker that the operating system has not
 * scheduled yet (two vCPUs shared with the JIT compiler and the garbage collector) costs only its
 * part's time on the caller, not the milliseconds until it runs again.
 *
 * <p>A training step hands out a job every few microseconds, far less than it takes to wake a
 * parked thread, so a worker spins for {@link #SPIN_NANOS} after each job before it parks. One
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
    /** Parts per job at most: the claim counter keeps the part in its low bits. */
    private static final int PART_BITS = 16;

    private final int threads;
    private final AtomicBoolean busy = new AtomicBoolean();
    private Worker[] workers;

    /** The job being run and its number of parts, written before {@link #claims} announces them. */
    private Job job;
    private int parts;
    /**
     * The current job's number (high bits) and its next unclaimed part (low {@link #PART_BITS} bits).
     * Workers wait for the number to change.
     */
    private final AtomicLong claims = new AtomicLong();
    /** Parts of the current job finished, by any thread. */
    private final AtomicInteger finished = new AtomicInteger();
    /** The first failure of any part of the current job. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

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
     * Runs {@code job} in {@code parts} parts (2 to {@link #threads()}) and returns when all are done,
     * rethrowing the first failure of any part. The caller holds the pool and runs parts itself.
     */
    void runAcquired(Job job, int parts) {
        Worker[] ws = started();
        long number = jobNumber() + 1;
        this.job = job;
        this.parts = parts;
        failure.set(null);
        finished.set(0);
        claims.set(number << PART_BITS); // publishes the job to the workers, and job and parts to whoever claims a part
        for (int w = 0; w < parts - 1; w++) {
            ws[w].wake();
        }
        runClaimed(number);
        while (finished.get() != parts) {
            Thread.onSpinWait();
        }
        this.job = null;
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** The number of the job posted last (0 before the first). */
    private long jobNumber() {
        return claims.get() >>> PART_BITS;
    }

    /** Claims and runs parts of job {@code number} until none is left unclaimed (or that job is over). */
    private void runClaimed(long number) {
        while (true) {
            long c = claims.get();
            if (c >>> PART_BITS != number) {
                return; // a later job: this one was finished by others
            }
            int part = (int) (c & ((1 << PART_BITS) - 1));
            if (part >= parts) {
                return;
            }
            if (!claims.compareAndSet(c, c + 1)) {
                continue;
            }
            // A part is claimed: its job cannot end before it finishes, so job and parts are its own.
            try {
                job.run(part, parts);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            finished.incrementAndGet();
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

    /** One worker thread: it claims parts of each job posted, and spins, then parks, between jobs. */
    private final class Worker implements Runnable {
        private final Thread thread;
        private volatile boolean parked;

        Worker(String name) {
            thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
            thread.start();
        }

        /** Unparks the worker if it parked; a spinning worker sees the new job by itself. */
        void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                seen = awaitPost(seen);
                runClaimed(seen);
            }
        }

        /** Spins for a while, then parks, until a job newer than {@code seen} is posted; returns its number. */
        private long awaitPost(long seen) {
            long start = System.nanoTime();
            int spins = 0;
            while (true) {
                long p = jobNumber();
                if (p != seen) {
                    return p;
                }
                if ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (jobNumber() == seen) { // re-check after announcing: wake() either sees parked or we see the job
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
