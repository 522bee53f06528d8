package dev.jeras.testing;

import org.junit.jupiter.api.Assumptions;

import dev.jeras.datasets.DatasetException;
import dev.jeras.datasets.Mnist;

/**
 * The real MNIST for end-to-end tests, found as the library finds it (JERAS_DATA first). In CI (the
 * {@code CI} variable set, as .ci/run does) JERAS_DATA must be set and missing data fails the test;
 * elsewhere the test is skipped with the reason.
 */
public final class TestMnist {

    private TestMnist() {
    }

    public static Mnist.Data load() {
        boolean ci = System.getenv("CI") != null;
        if (ci && System.getenv(Mnist.DATA_ENV) == null) {
            throw new AssertionError("CI must set " + Mnist.DATA_ENV + " to the MNIST directory (.ci/run points it at ../shared/datasets/mnist)");
        }
        try {
            return Mnist.loadData();
        } catch (DatasetException e) {
            if (ci || System.getenv(Mnist.DATA_ENV) != null) {
                throw e;
            }
            Assumptions.abort("MNIST is not on this machine and could not be fetched, and this is not CI: " + e.getMessage());
            return null;
        }
    }
}
