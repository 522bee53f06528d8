package dev.jeras.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The pool runs every part of every job exactly once, whoever claims it, and passes failures on. */
class WorkerPoolTest {

    @Test
    void everyPartRunsExactlyOnceWhoeverClaimsIt() {
        WorkerPool pool = WorkerPool.of(3);
        int jobs = 20_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(jobs * 3);
        int[] current = new int[1];
        WorkerPool.Job job = (part, parts) -> {
            assertThat(parts).isEqualTo(3);
            runs.incrementAndGet(current[0] * 3 + part);
        };
        pool.acquire();
        try {
            for (int j = 0; j < jobs; j++) {
                current[0] = j; // published to the workers with the job
                pool.runAcquired(job, 3);
            }
        } finally {
            pool.release();
        }
        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("runs of part %d of job %d", i % 3, i / 3).isEqualTo(1);
        }
    }

    @Test
    void aFailingPartIsRethrownAfterTheOthersFinishAndThePoolStaysUsable() {
        WorkerPool pool = WorkerPool.of(2);
        AtomicIntegerArray done = new AtomicIntegerArray(2);
        pool.acquire();
        try {
            assertThatThrownBy(() -> pool.runAcquired((part, parts) -> {
                if (part == 1) {
                    throw new IllegalStateException("part 1 fails");
                }
                done.incrementAndGet(part);
            }, 2)).isInstanceOf(IllegalStateException.class).hasMessage("part 1 fails");
            assertThat(done.get(0)).isEqualTo(1);

            pool.runAcquired((part, parts) -> done.incrementAndGet(part), 2);
            assertThat(done.get(0)).isEqualTo(2);
            assertThat(done.get(1)).isEqualTo(1);
        } finally {
            pool.release();
        }
    }
}
